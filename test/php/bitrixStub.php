<?php
/**
 * A minimal stand-in for the few Bitrix functions and objects bxsup's site templates call, for tests with
 * real php-cli (test/php/render.php runs a scenario through it). Written for these tests from what the
 * templates use; it behaves as Bitrix documents those calls, and it is not Bitrix code.
 * The scenario (JSON) decides the user, the modules present, the orders and the ticket.
 */

define('B_PROLOG_INCLUDED', true);

/** @var array $BXSUP_SCENARIO set by render.php before this file is included */
define('LANGUAGE_ID', $BXSUP_SCENARIO['language']);
define('SITE_ID', $BXSUP_SCENARIO['siteId']);
define('SITE_CHARSET', 'UTF-8');
define('SITE_TEMPLATE_ID', $BXSUP_SCENARIO['siteTemplate']);

$MESS = array();

function htmlspecialcharsbx($string, $flags = ENT_COMPAT)
{
    return htmlspecialchars((string)$string, $flags, 'UTF-8', true);
}

function htmlspecialcharsEx($string)
{
    return htmlspecialchars((string)$string, ENT_COMPAT, 'UTF-8', false);
}

function GetMessage($name)
{
    global $MESS;
    return isset($MESS[$name]) ? $MESS[$name] : '';
}

function ShowError($text)
{
    echo '<p class="errortext">' . htmlspecialcharsbx($text) . '</p>';
}

function FormatDate($format, $timestamp)
{
    if ($format !== 'SHORT') {
        throw new Exception('the stub knows FormatDate("SHORT") only');
    }
    return gmdate('d.m.Y', $timestamp);
}

/** Language files: lang/<LANGUAGE_ID>/<file name> beside the file, as Bitrix loads them. */
function bxsup_stub_load_messages($file)
{
    global $MESS;
    $lang = dirname($file) . '/lang/' . LANGUAGE_ID . '/' . basename($file);
    if (is_file($lang)) {
        include $lang;
    }
}

class CCurrencyLang
{
    public static function CurrencyFormat($price, $currency, $useTemplate = true)
    {
        // As the currency module does for RUB: HTML with a non-breaking thousands separator.
        return number_format((float)$price, 0, '.', '&nbsp;') . '&nbsp;' . ($currency === 'RUB' ? '&#8381;' : $currency);
    }
}

/** A component template as Bitrix runs it: result_modifier.php, then template.php, in its scope. */
class BxsupStubTemplate
{
    public $__folder;
    public $__component;

    public function __construct($folder, $component)
    {
        $this->__folder = $folder;
        $this->__component = $component;
    }

    public function getComponent()
    {
        return $this->__component;
    }

    public function GetFolder()
    {
        return $this->__folder;
    }

    public function GetName()
    {
        return basename($this->__folder);
    }

    public function run(array $arResult, array $arParams)
    {
        global $APPLICATION, $USER;
        $root = $_SERVER['DOCUMENT_ROOT'];
        bxsup_stub_load_messages($root . $this->__folder . '/template.php');
        if (is_file($root . $this->__folder . '/result_modifier.php')) {
            include $root . $this->__folder . '/result_modifier.php';
        }
        $templateFolder = $this->__folder;
        $component = $this->__component;
        include $root . $this->__folder . '/template.php';
    }
}

class BxsupStubComponent
{
    private $relativePath;
    private $template;
    private $parent;

    public function __construct($relativePath, $parent = null)
    {
        $this->relativePath = $relativePath;
        $this->parent = $parent;
    }

    public function setTemplate($template)
    {
        $this->template = $template;
    }

    public function GetParent()
    {
        return $this->parent;
    }

    public function GetTemplate()
    {
        return $this->template;
    }

    public function GetRelativePath()
    {
        return $this->relativePath;
    }
}

class BxsupStubApplication
{
    public $css = array();
    public $js = array();

    public function SetAdditionalCSS($path)
    {
        $this->css[] = $path;
    }

    public function AddHeadScript($path)
    {
        $this->js[] = $path;
    }

    /**
     * bitrix:system.field.edit only: the value prepared by the field's base type, parameters escaped one
     * level deep with the raw ones under "~", the named template under /local/templates, else the
     * field type's own input (as the user field manager draws it).
     */
    public function IncludeComponent($name, $template, $params, $parent = null, $options = array())
    {
        if ($name !== 'bitrix:system.field.edit') {
            throw new Exception("the stub cannot include $name");
        }
        $field = $params['arUserField'];
        $value = isset($field['VALUE']) ? $field['VALUE'] : null;
        if ($field['USER_TYPE']['BASE_TYPE'] === 'int') {
            $value = ((string)$value !== '') ? (int)$value : $value;
        } elseif (is_string($value)) {
            $value = htmlspecialcharsbx($value);
        }
        $arResult = array('VALUE' => array($value));
        $arParams = array('~arUserField' => $field, 'arUserField' => $field);
        foreach ($field as $k => $v) {
            if (is_string($v)) {
                $arParams['arUserField'][$k] = htmlspecialcharsEx($v);
            }
        }
        foreach (array(SITE_TEMPLATE_ID, '.default') as $site) {
            $folder = "/local/templates/$site/components/bitrix/system.field.edit/$template";
            if (is_file($_SERVER['DOCUMENT_ROOT'] . $folder . '/template.php')) {
                $tpl = new BxsupStubTemplate($folder, new BxsupStubComponent('/bitrix/system.field.edit'));
                $tpl->run($arResult, $arParams);
                return;
            }
        }
        echo '<input type="text" name="' . htmlspecialcharsbx($field['FIELD_NAME']) . '" value="' . $value . '">';
    }

    public function GetCurPage()
    {
        return '/personal/support/';
    }
}

class BxsupStubUser
{
    public function IsAuthorized()
    {
        global $BXSUP_SCENARIO;
        return $BXSUP_SCENARIO['userId'] > 0;
    }

    public function GetID()
    {
        global $BXSUP_SCENARIO;
        return $BXSUP_SCENARIO['userId'] > 0 ? (string)$BXSUP_SCENARIO['userId'] : null;
    }
}

class BxsupStubUserFieldManager
{
    public function GetUserFields($entity, $id = 0, $lang = false)
    {
        global $BXSUP_SCENARIO;
        return $entity === 'SUPPORT' ? $BXSUP_SCENARIO['userFields'] : array();
    }

    public function GetUserFieldValue($entity, $field, $id)
    {
        global $BXSUP_SCENARIO;
        $t = $BXSUP_SCENARIO['ticket'];
        return ($entity === 'SUPPORT' && $t && (int)$t['ID'] === (int)$id && isset($t[$field])) ? $t[$field] : false;
    }
}

$APPLICATION = new BxsupStubApplication();
$USER = new BxsupStubUser();
$USER_FIELD_MANAGER = new BxsupStubUserFieldManager();
