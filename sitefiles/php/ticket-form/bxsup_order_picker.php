<?php
/**
 * bxsup (bitrix-support-bridge): the customer's orders for the UF_ORDER_ID field of the ticket form.
 * Called from result_modifier.php beside this file. Placed by `bxsup install`; `bxsup uninstall` removes it.
 *
 * What the customer gets: the order field (even when the page does not list it) as a list of their own
 * orders on this site, newest first. Preselected, in this order: what they chose before a form error, the
 * ticket's current value, the order of the page they came from (?ORDER_ID=). Only their own orders are
 * offered or preselected; a current value that is not one of them stays in the list as a bare number,
 * so saving the form never changes it behind their back.
 * Left exactly as it was: the form for guests, on sites without the sale module, and for someone who is
 * not the ticket's owner (an operator answering in the public section).
 */
if (!defined('B_PROLOG_INCLUDED') || B_PROLOG_INCLUDED !== true) {
    die();
}

if (!function_exists('bxsup_add_order_picker')) {
    /** How many orders the list offers: a customer looks for a recent one; older ones can be typed in a message. */
    define('BXSUP_ORDER_PICKER_LIMIT', 50);

    function bxsup_add_order_picker(array &$arParams, array $arResult)
    {
        global $USER, $USER_FIELD_MANAGER;
        if (!is_object($USER) || !$USER->IsAuthorized()) {
            return;
        }
        if (!\Bitrix\Main\Loader::includeModule('sale')) {
            return;
        }
        $fields = $USER_FIELD_MANAGER->GetUserFields('SUPPORT', 0, LANGUAGE_ID);
        if (!isset($fields['UF_ORDER_ID'])) {
            return;
        }
        $userId = (int)$USER->GetID();
        $ticketId = empty($arResult['TICKET']['ID']) ? 0 : (int)$arResult['TICKET']['ID'];
        if ($ticketId > 0 && (int)$arResult['TICKET']['OWNER_USER_ID'] !== $userId) {
            return;
        }

        $orders = bxsup_customer_orders(array('=USER_ID' => $userId, '=LID' => SITE_ID), BXSUP_ORDER_PICKER_LIMIT);
        $current = $ticketId > 0 ? bxsup_current_order_value($arParams, $ticketId) : '';
        if ($current !== '' && !preg_match('/^\d+$/', $current)) {
            // Not an order ID (a number typed into a text field): only an ID can be picked, so the field
            // keeps its own input and nothing the customer wrote is lost.
            return;
        }
        $current = (int)$current;
        $selected = 0;
        foreach (array(bxsup_posted_order(), $current, bxsup_requested_order()) as $candidate) {
            if ($candidate > 0 && ($candidate === $current || bxsup_own_order($orders, $candidate, $userId))) {
                $selected = $candidate;
                break;
            }
        }
        if ($current > 0 && !isset($orders[$current])) {
            $orders[$current] = (string)$current;
        }

        if (!isset($arParams['SET_SHOW_USER_FIELD_T']['UF_ORDER_ID'])) {
            $arParams['SET_SHOW_USER_FIELD_T']['UF_ORDER_ID'] = array(
                'NAME_C' => $fields['UF_ORDER_ID']['LIST_COLUMN_LABEL'],
                'NAME_F' => $fields['UF_ORDER_ID']['EDIT_FORM_LABEL'],
                'ALL' => $fields['UF_ORDER_ID'],
            );
        }
        // The stock template names system.field.edit's template after USER_TYPE_ID: this picks ours.
        $arParams['SET_SHOW_USER_FIELD_T']['UF_ORDER_ID']['ALL']['USER_TYPE_ID'] = 'bxsup_order';
        $arParams['SET_SHOW_USER_FIELD_T']['UF_ORDER_ID']['ALL']['BXSUP_ORDERS'] = $orders;
        $arParams['UF_ORDER_ID'] = $selected > 0 ? $selected : '';
    }

    /** Order ID => "№ 2024-0042 · 12.03.2024 · 1 500 руб." (plain text, escaped where it is printed). */
    function bxsup_customer_orders(array $filter, $limit)
    {
        $orders = array();
        $rows = \Bitrix\Sale\Order::getList(array(
            'select' => array('ID', 'ACCOUNT_NUMBER', 'DATE_INSERT', 'PRICE', 'CURRENCY'),
            'filter' => $filter,
            'order' => array('DATE_INSERT' => 'DESC', 'ID' => 'DESC'),
            'limit' => $limit,
        ));
        while ($row = $rows->fetch()) {
            $orders[(int)$row['ID']] = bxsup_order_label($row);
        }
        return $orders;
    }

    function bxsup_order_label(array $row)
    {
        $number = (string)$row['ACCOUNT_NUMBER'] !== '' ? (string)$row['ACCOUNT_NUMBER'] : (string)$row['ID'];
        $parts = array('№ ' . $number);
        if ($row['DATE_INSERT'] instanceof \Bitrix\Main\Type\DateTime) {
            $parts[] = FormatDate('SHORT', $row['DATE_INSERT']->getTimestamp());
        }
        $parts[] = bxsup_order_sum($row['PRICE'], $row['CURRENCY']);
        return implode(' · ', $parts);
    }

    /** The sum as the shop prints it; CurrencyFormat returns HTML (&nbsp;, &#8381;), we want text. */
    function bxsup_order_sum($price, $currency)
    {
        if (!\Bitrix\Main\Loader::includeModule('currency')) {
            return number_format((float)$price, 2, '.', ' ') . ' ' . $currency;
        }
        $html = str_replace('&nbsp;', ' ', \CCurrencyLang::CurrencyFormat($price, $currency, true));
        return trim(html_entity_decode(strip_tags($html), ENT_QUOTES, SITE_CHARSET));
    }

    /** The ticket's stored UF_ORDER_ID: from the page's own list of fields, else read for this ticket. */
    function bxsup_current_order_value(array $arParams, $ticketId)
    {
        global $USER_FIELD_MANAGER;
        $value = array_key_exists('UF_ORDER_ID', $arParams)
            ? $arParams['UF_ORDER_ID']
            : $USER_FIELD_MANAGER->GetUserFieldValue('SUPPORT', 'UF_ORDER_ID', $ticketId);
        return trim((string)$value);
    }

    /** The order chosen in a form that came back with an error (Bitrix shows the form again). */
    function bxsup_posted_order()
    {
        return isset($_POST['UF_ORDER_ID']) && is_string($_POST['UF_ORDER_ID']) ? (int)$_POST['UF_ORDER_ID'] : 0;
    }

    /** ?ORDER_ID= of the "Ask about this order" link on the order page. */
    function bxsup_requested_order()
    {
        return isset($_GET['ORDER_ID']) && is_string($_GET['ORDER_ID']) ? (int)$_GET['ORDER_ID'] : 0;
    }

    /** In the list already, or an older order of the same customer (added to the list then). */
    function bxsup_own_order(array &$orders, $orderId, $userId)
    {
        if (isset($orders[$orderId])) {
            return true;
        }
        $older = bxsup_customer_orders(array('=ID' => $orderId, '=USER_ID' => $userId), 1);
        $orders += $older;
        return isset($older[$orderId]);
    }
}
