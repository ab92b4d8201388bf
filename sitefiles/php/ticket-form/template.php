<?php
/**
 * bxsup (bitrix-support-bridge) order picker, part 2 of 2: draws the ticket form with the template the
 * site used before bxsup was installed (see bxsup_wrap.php), so the form looks as it did. The order
 * field in it is drawn by bitrix:system.field.edit with our "bxsup_order" template, which
 * result_modifier.php beside this file chose. Placed by `bxsup install`; `bxsup uninstall` removes it.
 */
if (!defined('B_PROLOG_INCLUDED') || B_PROLOG_INCLUDED !== true) {
    die();
}
require_once __DIR__ . '/bxsup_wrap.php';

$bxsupFolder = bxsup_wrapped_folder(__DIR__, $component);
if ($bxsupFolder === null) {
    ShowError('bxsup: the support.ticket.edit template this wrapper draws is gone: run bxsup install again');
    return;
}
bxsup_prepare_wrapped($bxsupFolder);
// The wrapped template may use its own folder for images and scripts ($templateFolder, $this->GetFolder()):
// it gets its own while it runs, ours afterwards.
$bxsupOwnFolder = $this->__folder;
$templateFolder = $this->__folder = $bxsupFolder;
try {
    include $_SERVER['DOCUMENT_ROOT'] . $bxsupFolder . '/template.php';
} finally {
    $templateFolder = $this->__folder = $bxsupOwnFolder;
}
