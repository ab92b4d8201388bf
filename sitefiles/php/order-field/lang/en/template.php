<?php
$MESS['BXSUP_ORDER_NONE'] = '(no order)';
