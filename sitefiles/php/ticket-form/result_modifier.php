<?php
/**
 * bxsup (bitrix-support-bridge) order picker, part 1 of 2, for bitrix:support.ticket.edit (also inside
 * bitrix:support.ticket). Bitrix runs this before template.php beside it. It runs the wrapped template's
 * own result_modifier.php first, then lets the customer pick one of their orders (bxsup_order_picker.php).
 * Placed by `bxsup install`; `bxsup uninstall` removes it.
 */
if (!defined('B_PROLOG_INCLUDED') || B_PROLOG_INCLUDED !== true) {
    die();
}
require_once __DIR__ . '/bxsup_wrap.php';
require_once __DIR__ . '/bxsup_order_picker.php';

$bxsupModifier = bxsup_wrapped_modifier_file(bxsup_wrapped_folder(__DIR__, $this->getComponent()));
if ($bxsupModifier !== null) {
    include $bxsupModifier;
}
bxsup_add_order_picker($arParams, $arResult);
