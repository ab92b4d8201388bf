<?php
/**
 * bxsup (bitrix-support-bridge): how one of our wrapper templates finds and draws the template it wraps.
 * Placed by `bxsup install` beside the wrapper's template.php; `bxsup uninstall` removes it.
 *
 * bxsup_wrapped.php beside this file is written at install time: for each site template and each parent
 * component (a complex component such as bitrix:support.ticket, with its template), the folder of the
 * template Bitrix used before our wrapper existed. So the page keeps the look the site had.
 */
if (!defined('B_PROLOG_INCLUDED') || B_PROLOG_INCLUDED !== true) {
    die();
}

if (!function_exists('bxsup_wrapped_folder')) {
    /**
     * The wrapped template's folder (from the document root) for this call of the component, or null.
     * Keys are "<site template>|<parent component path>/<parent template>" ("" when there is no parent);
     * a site template added after install falls back to what the .default site template would use.
     *
     * @param string $wrapperDir the wrapper's own folder (__DIR__ of the caller)
     * @param CBitrixComponent $component
     * @return string|null
     */
    function bxsup_wrapped_folder($wrapperDir, $component)
    {
        $map = include $wrapperDir . '/bxsup_wrapped.php';
        if (!is_array($map)) {
            return null;
        }
        $context = '';
        $parent = $component->GetParent();
        if ($parent && $parent->GetTemplate()) {
            $context = $parent->GetRelativePath() . '/' . $parent->GetTemplate()->GetName();
        }
        $siteTemplate = defined('SITE_TEMPLATE_ID') ? SITE_TEMPLATE_ID : '.default';
        foreach (array($siteTemplate . '|' . $context, '.default|' . $context, '.default|') as $key) {
            if (isset($map[$key]) && is_file($_SERVER['DOCUMENT_ROOT'] . $map[$key] . '/template.php')) {
                return $map[$key];
            }
        }
        return null;
    }

    /** Runs the wrapped template's result_modifier.php, if it has one, as Bitrix would have. */
    function bxsup_wrapped_modifier_file($folder)
    {
        $file = $_SERVER['DOCUMENT_ROOT'] . $folder . '/result_modifier.php';
        return ($folder !== null && is_file($file)) ? $file : null;
    }

    /**
     * Loads what Bitrix loads for a template before drawing it: its language file, style.css, script.js.
     * (Bitrix did that for our wrapper's folder, which has none of them.)
     */
    function bxsup_prepare_wrapped($folder)
    {
        global $APPLICATION;
        $root = $_SERVER['DOCUMENT_ROOT'];
        \Bitrix\Main\Localization\Loc::loadMessages($root . $folder . '/template.php');
        if (is_file($root . $folder . '/style.css')) {
            $APPLICATION->SetAdditionalCSS($folder . '/style.css');
        }
        if (is_file($root . $folder . '/script.js')) {
            $APPLICATION->AddHeadScript($folder . '/script.js');
        }
    }
}
