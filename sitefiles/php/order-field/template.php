<?php
/**
 * bxsup (bitrix-support-bridge): the ticket's UF_ORDER_ID as a list of the customer's orders, drawn by
 * bitrix:system.field.edit when bxsup's ticket form modifier named this template. The options come from
 * bxsup_order_picker.php (arUserField.BXSUP_ORDERS: order ID => label). Every value is an integer, every
 * label escaped; the current value is always one of the options. Placed by `bxsup install`.
 */
if (!defined('B_PROLOG_INCLUDED') || B_PROLOG_INCLUDED !== true) {
    die();
}
// Raw values ("~"): Bitrix escapes only the first level of component parameters; we escape all of it here.
$bxsupField = $arParams['~arUserField'];
$bxsupOrders = isset($bxsupField['BXSUP_ORDERS']) && is_array($bxsupField['BXSUP_ORDERS']) ? $bxsupField['BXSUP_ORDERS'] : array();
$bxsupCurrent = (int)reset($arResult['VALUE']);
if ($bxsupCurrent > 0 && !isset($bxsupOrders[$bxsupCurrent])) {
    $bxsupOrders[$bxsupCurrent] = (string)$bxsupCurrent;
}
$bxsupNone = GetMessage('BXSUP_ORDER_NONE');
$bxsupName = preg_replace('/[^A-Za-z0-9_]/', '', $bxsupField['FIELD_NAME']);
?>
<div class="fields integer bxsup-order" id="main_<?= $bxsupName ?>">
    <select name="<?= $bxsupName ?>" class="fields integer"<?= $bxsupField['EDIT_IN_LIST'] === 'N' ? ' disabled="disabled"' : '' ?>>
        <option value=""><?= htmlspecialcharsbx($bxsupNone !== '' ? $bxsupNone : '(no order)') ?></option>
<?php foreach ($bxsupOrders as $bxsupId => $bxsupLabel): ?>
        <option value="<?= (int)$bxsupId ?>"<?= (int)$bxsupId === $bxsupCurrent ? ' selected="selected"' : '' ?>><?= htmlspecialcharsbx($bxsupLabel) ?></option>
<?php endforeach; ?>
    </select>
</div>
