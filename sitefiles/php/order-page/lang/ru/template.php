<?php
$MESS['BXSUP_ASK_ABOUT_ORDER'] = 'Задать вопрос по заказу';
