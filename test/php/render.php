<?php
/**
 * Runs one of bxsup's wrapper templates the way Bitrix would, against the stand-in in bitrixStub.php.
 * Reads a scenario (JSON) on stdin; prints {"html": …, "css": […], "js": […], "orderQueries": […]}.
 * The document root is the scenario's "root", where the test placed bxsup's files and a wrapped template.
 */
$BXSUP_SCENARIO = json_decode(stream_get_contents(STDIN), true);
$_SERVER['DOCUMENT_ROOT'] = $BXSUP_SCENARIO['root'];
$_GET = $BXSUP_SCENARIO['get'];
$_POST = $BXSUP_SCENARIO['post'];
$_REQUEST = array_merge($_GET, $_POST);
require __DIR__ . '/bitrixStub.php';
require __DIR__ . '/bitrixStubClasses.php';

$parent = null;
if ($BXSUP_SCENARIO['parent']) {
    $parent = new BxsupStubComponent($BXSUP_SCENARIO['parent']['path']);
    $parent->setTemplate(new BxsupStubTemplate('/unused/' . $BXSUP_SCENARIO['parent']['template'], $parent));
}
$component = new BxsupStubComponent($BXSUP_SCENARIO['component'], $parent);
$template = new BxsupStubTemplate($BXSUP_SCENARIO['folder'], $component);
$component->setTemplate($template);

ob_start();
$template->run($BXSUP_SCENARIO['arResult'], $BXSUP_SCENARIO['arParams']);
$html = ob_get_clean();
echo json_encode(array(
    'html' => $html,
    'css' => $APPLICATION->css,
    'js' => $APPLICATION->js,
    'orderQueries' => \Bitrix\Sale\Order::$calls,
));
