<?php
/**
 * bxsup (bitrix-support-bridge), opt-in order page link: Bitrix runs this file of our wrapper instead of
 * the wrapped template's own result_modifier.php, so it runs that one (see template.php beside it).
 */
if (!defined('B_PROLOG_INCLUDED') || B_PROLOG_INCLUDED !== true) {
    die();
}
require_once __DIR__ . '/bxsup_wrap.php';

$bxsupModifier = bxsup_wrapped_modifier_file(bxsup_wrapped_folder(__DIR__, $this->getComponent()));
if ($bxsupModifier !== null) {
    include $bxsupModifier;
}
