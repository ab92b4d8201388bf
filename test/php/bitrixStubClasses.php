<?php
/**
 * The namespaced part of the stand-in (see bitrixStub.php): module loading, language files, dates and
 * the sale module's order list, answering from the scenario's rows as Bitrix's ORM would.
 */

namespace Bitrix\Main {
    class Loader
    {
        public static function includeModule($module)
        {
            global $BXSUP_SCENARIO;
            return in_array($module, $BXSUP_SCENARIO['modules'], true);
        }
    }
}

namespace Bitrix\Main\Localization {
    class Loc
    {
        public static function loadMessages($file)
        {
            bxsup_stub_load_messages($file);
        }
    }
}

namespace Bitrix\Main\Type {
    class Date
    {
        protected $timestamp;

        public function __construct($iso)
        {
            $this->timestamp = strtotime($iso . ' UTC');
        }

        public function getTimestamp()
        {
            return $this->timestamp;
        }
    }

    class DateTime extends Date
    {
    }
}

namespace Bitrix\Sale {
    /** Order::getList over the scenario's orders: "=FIELD" filters, one sort, limit; the rest refused. */
    class Order
    {
        public static $calls = array();

        public static function getList(array $parameters)
        {
            global $BXSUP_SCENARIO;
            self::$calls[] = $parameters;
            $known = array('select', 'filter', 'order', 'limit');
            if (array_diff(array_keys($parameters), $known)) {
                throw new \Exception('the stub knows select, filter, order and limit only');
            }
            $rows = array();
            foreach ($BXSUP_SCENARIO['orders'] as $order) {
                foreach ($parameters['filter'] as $key => $wanted) {
                    if ($key[0] !== '=' || !array_key_exists(substr($key, 1), $order)) {
                        throw new \Exception("the stub cannot filter by $key");
                    }
                    if ((string)$order[substr($key, 1)] !== (string)$wanted) {
                        continue 2;
                    }
                }
                $row = array();
                foreach ($parameters['select'] as $field) {
                    $row[$field] = $field === 'DATE_INSERT' ? new \Bitrix\Main\Type\DateTime($order[$field]) : $order[$field];
                }
                $rows[] = $row;
            }
            usort($rows, function ($a, $b) {
                $d = $b['DATE_INSERT']->getTimestamp() - $a['DATE_INSERT']->getTimestamp();
                return $d !== 0 ? $d : $b['ID'] - $a['ID'];
            });
            if (isset($parameters['order']) && $parameters['order'] !== array('DATE_INSERT' => 'DESC', 'ID' => 'DESC')) {
                throw new \Exception('the stub sorts newest first only');
            }
            return new OrderResult(isset($parameters['limit']) ? array_slice($rows, 0, $parameters['limit']) : $rows);
        }
    }

    class OrderResult
    {
        private $rows;

        public function __construct(array $rows)
        {
            $this->rows = $rows;
        }

        public function fetch()
        {
            return array_shift($this->rows) ?: false;
        }
    }
}
