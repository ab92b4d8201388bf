<?php
$MESS['BXSUP_ASK_ABOUT_ORDER'] = 'Ask about this order';
