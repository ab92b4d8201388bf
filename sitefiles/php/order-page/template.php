<?php
/**
 * bxsup (bitrix-support-bridge), opt-in (`bxsup install --order-page-link`): the order page as the site
 * drew it before (the wrapped sale.personal.order.detail template, see bxsup_wrap.php), followed by an
 * "Ask about this order" link to the new-ticket form with ?ORDER_ID=, which the ticket form preselects.
 * The link's address is in bxsup_ticket_url.php, written at install time. Placed by `bxsup install`.
 */
if (!defined('B_PROLOG_INCLUDED') || B_PROLOG_INCLUDED !== true) {
    die();
}
require_once __DIR__ . '/bxsup_wrap.php';

$bxsupFolder = bxsup_wrapped_folder(__DIR__, $component);
if ($bxsupFolder === null) {
    ShowError('bxsup: the sale.personal.order.detail template this wrapper draws is gone: run bxsup install again');
    return;
}
bxsup_prepare_wrapped($bxsupFolder);
$bxsupOwnFolder = $this->__folder;
$templateFolder = $this->__folder = $bxsupFolder;
try {
    include $_SERVER['DOCUMENT_ROOT'] . $bxsupFolder . '/template.php';
} finally {
    $templateFolder = $this->__folder = $bxsupOwnFolder;
}

// The order page shows only the customer's own order; no order, no link.
if (!empty($arResult['ID'])) {
    $bxsupUrl = str_replace('#ORDER_ID#', (string)(int)$arResult['ID'], (string)include __DIR__ . '/bxsup_ticket_url.php');
    $bxsupText = GetMessage('BXSUP_ASK_ABOUT_ORDER');
    ?>
<p class="bxsup-ask-about-order"><a href="<?= htmlspecialcharsbx($bxsupUrl) ?>"><?= htmlspecialcharsbx($bxsupText !== '' ? $bxsupText : 'Ask about this order') ?></a></p>
<?php
}
