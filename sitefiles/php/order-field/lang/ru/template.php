<?php
$MESS['BXSUP_ORDER_NONE'] = '(без заказа)';
