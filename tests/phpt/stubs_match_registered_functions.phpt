--TEST--
stubs/frankenphp_ws.stub.php declares exactly what the extension registers: every function (parameter names, types, optionality, defaults, return type), class and constant; a stale stub lists each difference (`make stubs` regenerates it)
--EXTENSIONS--
frankenphp_ws
--FILE--
<?php
require __DIR__ . '/../lib/harness.php';

// The stub is read, never included: its functions already exist. token_get_all() is enough for
// what a stub holds: namespaces, constants, classes with methods, functions with empty bodies.

$stubPath = __DIR__ . '/../../stubs/frankenphp_ws.stub.php';
$source = @file_get_contents($stubPath);
if ($source === false) {
    ws_fail("cannot read $stubPath");
}

/** Tokens without whitespace and comments, as [id or null, text]. */
function stub_tokens(string $source): array
{
    $skip = [T_WHITESPACE, T_COMMENT, T_DOC_COMMENT, T_OPEN_TAG, T_CLOSE_TAG, T_INLINE_HTML];
    $tokens = [];
    foreach (token_get_all($source) as $t) {
        if (is_array($t)) {
            if (!in_array($t[0], $skip, true)) {
                $tokens[] = [$t[0], $t[1]];
            }
        } else {
            $tokens[] = [null, $t];
        }
    }
    return $tokens;
}

/** Index of the token closing the bracket opened at $i. */
function stub_closing(array $tokens, int $i): int
{
    $depth = 0;
    for ($n = count($tokens); $i < $n; $i++) {
        $text = $tokens[$i][1];
        if ($text === '(' || $text === '[' || $text === '{' || $tokens[$i][0] === T_ATTRIBUTE
            || $tokens[$i][0] === T_CURLY_OPEN || $tokens[$i][0] === T_DOLLAR_OPEN_CURLY_BRACES) {
            $depth++;
        } elseif ($text === ')' || $text === ']' || $text === '}') {
            if (--$depth === 0) {
                return $i;
            }
        }
    }
    ws_fail('unbalanced brackets in the stub');
}

/** Splits $tokens[$from..$to) at commas outside brackets. */
function stub_split(array $tokens, int $from, int $to): array
{
    $parts = [];
    $part = [];
    $depth = 0;
    for ($i = $from; $i < $to; $i++) {
        $text = $tokens[$i][1];
        if ($text === '(' || $text === '[' || $text === '{' || $tokens[$i][0] === T_ATTRIBUTE) {
            $depth++;
        } elseif ($text === ')' || $text === ']' || $text === '}') {
            $depth--;
        }
        if ($text === ',' && $depth === 0) {
            $parts[] = $part;
            $part = [];
        } else {
            $part[] = $tokens[$i];
        }
    }
    if ($part !== []) {
        $parts[] = $part;
    }
    return $parts;
}

function stub_text(array $tokens, string $glue = ''): string
{
    return implode($glue, array_map(fn($t) => $t[1], $tokens));
}

/** A function or method: name, by-reference return, parameters, return type; $i is after `function`. */
function stub_function(array $tokens, int &$i, string $ns): array
{
    $byRefReturn = false;
    if (in_array($tokens[$i][0], [T_AMPERSAND_FOLLOWED_BY_VAR_OR_VARARG, T_AMPERSAND_NOT_FOLLOWED_BY_VAR_OR_VARARG], true)) {
        $byRefReturn = true;
        $i++;
    }
    $name = $tokens[$i++][1];
    if ($tokens[$i][1] !== '(') {
        ws_fail("stub: expected ( after function $name");
    }
    $close = stub_closing($tokens, $i);
    $params = [];
    foreach (stub_split($tokens, $i + 1, $close) as $p) {
        $k = 0;
        $type = [];
        $param = ['name' => null, 'type' => '', 'byRef' => false, 'variadic' => false, 'default' => null];
        while ($k < count($p)) {
            [$id, $text] = $p[$k];
            if ($id === T_ATTRIBUTE) {
                $k = stub_closing($p, $k) + 1;
                continue;
            }
            if (in_array($id, [T_PUBLIC, T_PROTECTED, T_PRIVATE, T_READONLY], true)) {
                $k++;
                continue;
            }
            if ($id === T_AMPERSAND_FOLLOWED_BY_VAR_OR_VARARG) {
                $param['byRef'] = true;
            } elseif ($id === T_ELLIPSIS) {
                $param['variadic'] = true;
            } elseif ($id === T_VARIABLE) {
                $param['name'] = substr($text, 1);
                if (($p[$k + 1][1] ?? null) === '=') {
                    $param['default'] = stub_text(array_slice($p, $k + 2), ' ');
                }
                break;
            } else {
                $type[] = $p[$k];
            }
            $k++;
        }
        if ($param['name'] === null) {
            ws_fail("stub: cannot read a parameter of $name: " . stub_text($p, ' '));
        }
        $param['type'] = stub_text($type);
        $params[] = $param;
    }
    $i = $close + 1;
    $return = [];
    if ($tokens[$i][1] === ':') {
        for ($i++; $tokens[$i][1] !== '{' && $tokens[$i][1] !== ';'; $i++) {
            $return[] = $tokens[$i];
        }
    }
    if ($tokens[$i][1] === '{') {
        $i = stub_closing($tokens, $i);
    }
    return ['name' => $name, 'ns' => $ns, 'byRefReturn' => $byRefReturn, 'params' => $params, 'return' => stub_text($return)];
}

/** `NAME = expr, NAME = expr;` after `const`: [name => expr]; $i ends on the `;`. */
function stub_consts(array $tokens, int &$i): array
{
    $end = $i;
    while ($tokens[$end][1] !== ';') {
        $end++;
    }
    $consts = [];
    foreach (stub_split($tokens, $i, $end) as $c) {
        // A typed class constant (PHP 8.3) has its type first; the name is the token before `=`.
        $eq = array_search('=', array_column($c, 1), true);
        $consts[$c[$eq - 1][1]] = stub_text(array_slice($c, $eq + 1), ' ');
    }
    $i = $end;
    return $consts;
}

/** What the stub declares: functions, classes (with methods and constants), constants. */
function parse_stub(string $source): array
{
    $tokens = stub_tokens($source);
    $functions = $classes = $constants = [];
    $ns = '';
    $stack = []; // what each open `{` belongs to: 'ns', a class name, or 'other'
    $n = count($tokens);
    for ($i = 0; $i < $n; $i++) {
        [$id, $text] = $tokens[$i];
        $inClass = $stack !== [] && !in_array(end($stack), ['ns', 'other'], true);
        $atTop = !in_array('other', $stack, true) && !$inClass;
        if ($id === T_NAMESPACE && $atTop) {
            $i++;
            $ns = '';
            if (in_array($tokens[$i][0], [T_STRING, T_NAME_QUALIFIED], true)) {
                $ns = $tokens[$i++][1];
            }
            if ($tokens[$i][1] === '{') {
                $stack[] = 'ns';
            }
        } elseif ($id === T_USE && $atTop) {
            ws_fail('stub: `use` imports are not supported by this test; use fully qualified names');
        } elseif ($id === T_CONST && $atTop) {
            $i++;
            foreach (stub_consts($tokens, $i) as $name => $expr) {
                $constants[ltrim(($ns === '' ? '' : "$ns\\") . $name, '\\')] = ['expr' => $expr, 'ns' => $ns];
            }
        } elseif ($id === T_CONST && $inClass) {
            $i++;
            foreach (stub_consts($tokens, $i) as $name => $expr) {
                $classes[end($stack)]['constants'][$name] = $expr;
            }
        } elseif (in_array($id, [T_CLASS, T_INTERFACE, T_TRAIT, T_ENUM], true) && $atTop
            && ($tokens[$i - 1][0] ?? null) !== T_DOUBLE_COLON) {
            $name = ($ns === '' ? '' : "$ns\\") . $tokens[++$i][1];
            $class = ['kind' => strtolower($text), 'ns' => $ns, 'extends' => [], 'implements' => [], 'methods' => [], 'constants' => []];
            $list = null;
            for ($i++; $tokens[$i][1] !== '{'; $i++) {
                if ($tokens[$i][0] === T_EXTENDS) {
                    $list = 'extends';
                } elseif ($tokens[$i][0] === T_IMPLEMENTS) {
                    $list = 'implements';
                } elseif ($list !== null && $tokens[$i][1] !== ',') {
                    $class[$list][] = resolve_name($tokens[$i][1], $ns);
                }
            }
            $classes[$name] = $class;
            $stack[] = $name;
        } elseif ($id === T_FUNCTION && $atTop) {
            $i++;
            $f = stub_function($tokens, $i, $ns);
            $functions[($ns === '' ? '' : "$ns\\") . $f['name']] = $f;
        } elseif ($id === T_FUNCTION && $inClass) {
            $i++;
            $f = stub_function($tokens, $i, $ns);
            $classes[end($stack)]['methods'][$f['name']] = $f;
        } elseif ($text === '{' || $id === T_CURLY_OPEN || $id === T_DOLLAR_OPEN_CURLY_BRACES) {
            $stack[] = 'other';
        } elseif ($text === '}') {
            array_pop($stack);
        }
    }
    return [$functions, $classes, $constants];
}

const BUILTIN_TYPES = ['int', 'float', 'string', 'bool', 'array', 'callable', 'iterable', 'object',
    'mixed', 'void', 'null', 'never', 'false', 'true', 'static', 'self', 'parent'];

/** A class name as PHP resolves it in namespace $ns (no `use` imports in a stub). */
function resolve_name(string $name, string $ns): string
{
    if (in_array(strtolower($name), BUILTIN_TYPES, true)) {
        return strtolower($name);
    }
    if ($name[0] === '\\') {
        return substr($name, 1);
    }
    return $ns === '' ? $name : "$ns\\$name";
}

/**
 * A type in one canonical spelling, for comparing the stub with Reflection: names resolved,
 * `?T` as `T|null`, union and intersection members sorted, case folded (PHP's names are
 * case-insensitive).
 */
function canonical_type(string $type, string $ns): string
{
    if ($type === '') {
        return '';
    }
    if ($type[0] === '?') {
        $type = substr($type, 1) . '|null';
    }
    $members = [];
    foreach (explode('|', $type) as $member) {
        if (str_starts_with($member, '(') || str_contains($member, '&')) {
            $parts = array_map(fn($p) => strtolower(resolve_name($p, $ns)), explode('&', trim($member, '()')));
            sort($parts);
            $members[] = '(' . implode('&', $parts) . ')';
        } else {
            $members[] = strtolower(resolve_name($member, $ns));
        }
    }
    sort($members);
    return implode('|', array_unique($members));
}

function reflected_type(?ReflectionType $type): string
{
    return $type === null ? '' : (string) $type;
}

/** The value of a stub default or constant expression, evaluated in its namespace. */
function stub_value(string $expr, string $ns): array
{
    try {
        return [true, eval(($ns === '' ? '' : "namespace $ns; ") . "return $expr;")];
    } catch (Throwable $e) {
        return [false, get_class($e) . ': ' . $e->getMessage()];
    }
}

function show($value): string
{
    return str_replace("\n", ' ', var_export($value, true));
}

/** A reflected signature in stub syntax, for "add this to the stub" lines. */
function signature(ReflectionFunctionAbstract $f): string
{
    $params = [];
    foreach ($f->getParameters() as $p) {
        $params[] = ltrim(reflected_type($p->getType()) . ' ' . ($p->isPassedByReference() ? '&' : '')
            . ($p->isVariadic() ? '...' : '') . '$' . $p->getName()
            . ($p->isDefaultValueAvailable() ? ' = ' . show($p->getDefaultValue()) : ($p->isOptional() && !$p->isVariadic() ? ' = <no default>' : '')));
    }
    $return = $f->hasReturnType() ? reflected_type($f->getReturnType())
        : ($f->hasTentativeReturnType() ? reflected_type($f->getTentativeReturnType()) : '');
    return ($f->returnsReference() ? '&' : '') . $f->getName() . '(' . implode(', ', $params) . ')'
        . ($return === '' ? '' : ": $return");
}

/** Differences between a stub function (or method) and the registered one, one line each. */
function compare_function(string $label, array $stub, ReflectionFunctionAbstract $f): array
{
    $out = [];
    if ($stub['name'] !== $f->getName() && !($f instanceof ReflectionMethod)) {
        $out[] = "$label: name spelled '{$stub['name']}' in the stub, registered as '{$f->getName()}'";
    }
    $ps = $f->getParameters();
    $n = max(count($ps), count($stub['params']));
    for ($k = 0; $k < $n; $k++) {
        $s = $stub['params'][$k] ?? null;
        $p = $ps[$k] ?? null;
        $pos = $k + 1;
        if ($s === null) {
            $out[] = "$label: parameter $pos \${$p->getName()} is missing from the stub (registered: " . signature($f) . ')';
            continue;
        }
        if ($p === null) {
            $out[] = "$label: parameter $pos \${$s['name']} is in the stub but not registered (registered: " . signature($f) . ')';
            continue;
        }
        $at = "$label: parameter $pos \$" . $p->getName();
        if ($s['name'] !== $p->getName()) {
            $out[] = "$label: parameter $pos is \${$s['name']} in the stub, \${$p->getName()} registered";
        }
        $stubType = canonical_type($s['type'], $stub['ns']);
        $realType = canonical_type(reflected_type($p->getType()), '');
        if ($stubType !== $realType) {
            $out[] = "$at: type '" . $s['type'] . "' in the stub, '" . reflected_type($p->getType()) . "' registered";
        }
        if ($s['byRef'] !== $p->isPassedByReference()) {
            $out[] = "$at: by reference " . show($s['byRef']) . ' in the stub, ' . show($p->isPassedByReference()) . ' registered';
        }
        if ($s['variadic'] !== $p->isVariadic()) {
            $out[] = "$at: variadic " . show($s['variadic']) . ' in the stub, ' . show($p->isVariadic()) . ' registered';
        }
        $stubOptional = $s['default'] !== null || $s['variadic'];
        if ($stubOptional !== $p->isOptional()) {
            $out[] = "$at: " . ($stubOptional ? 'optional' : 'required') . ' in the stub, '
                . ($p->isOptional() ? 'optional' : 'required') . ' registered';
        }
        if ($s['default'] !== null && $p->isOptional() && !$p->isVariadic()) {
            [$ok, $stubDefault] = stub_value($s['default'], $stub['ns']);
            if (!$ok) {
                $out[] = "$at: stub default '{$s['default']}' cannot be evaluated ($stubDefault)";
            } elseif (!$p->isDefaultValueAvailable()) {
                $out[] = "$at: default {$s['default']} in the stub, none available from the extension";
            } elseif (show($stubDefault) !== show($p->getDefaultValue())) {
                $out[] = "$at: default " . show($stubDefault) . ' in the stub, ' . show($p->getDefaultValue()) . ' registered';
            }
        }
    }
    $real = $f->hasReturnType() ? reflected_type($f->getReturnType())
        : ($f->hasTentativeReturnType() ? reflected_type($f->getTentativeReturnType()) : '');
    if (canonical_type($stub['return'], $stub['ns']) !== canonical_type($real, '')) {
        $out[] = "$label: return type '" . ($stub['return'] === '' ? '(none)' : $stub['return']) . "' in the stub, '"
            . ($real === '' ? '(none)' : $real) . "' registered";
    }
    if ($stub['byRefReturn'] !== $f->returnsReference()) {
        $out[] = "$label: returns by reference " . show($stub['byRefReturn']) . ' in the stub, ' . show($f->returnsReference()) . ' registered';
    }
    return $out;
}

[$stubFunctions, $stubClasses, $stubConstants] = parse_stub($source);
$ext = new ReflectionExtension('frankenphp_ws');
$mismatches = [];

// Functions, both ways; PHP function names are case-insensitive, so they are matched folded.
$registered = [];
foreach ($ext->getFunctions() as $f) {
    $registered[strtolower($f->getName())] = $f;
}
$declared = [];
foreach ($stubFunctions as $name => $f) {
    $declared[strtolower($name)] = $f;
}
if ($registered === []) {
    $mismatches[] = 'the extension registers no functions';
}
if ($declared === []) {
    $mismatches[] = 'the stub declares no functions (could it be read?)';
}
foreach ($registered as $key => $f) {
    if (!isset($declared[$key])) {
        $mismatches[] = 'missing from the stub: function ' . signature($f);
    }
}
foreach ($declared as $key => $s) {
    if (!isset($registered[$key])) {
        $mismatches[] = "in the stub but not registered: function {$s['name']}";
        continue;
    }
    array_push($mismatches, ...compare_function($registered[$key]->getName(), $s, $registered[$key]));
}

// Classes, both ways, with their parent, interfaces, own methods and constants.
$registeredClasses = [];
foreach ($ext->getClassNames() as $name) {
    $registeredClasses[strtolower($name)] = $name;
}
$declaredClasses = [];
foreach ($stubClasses as $name => $c) {
    $declaredClasses[strtolower($name)] = $name;
}
foreach ($registeredClasses as $key => $name) {
    if (!isset($declaredClasses[$key])) {
        $mismatches[] = "missing from the stub: class $name";
    }
}
foreach ($stubClasses as $name => $c) {
    $exists = class_exists($name, false) || interface_exists($name, false) || trait_exists($name, false) || enum_exists($name, false);
    if (!$exists) {
        $mismatches[] = "in the stub but not defined: {$c['kind']} $name";
        continue;
    }
    $rc = new ReflectionClass($name);
    if (!isset($registeredClasses[strtolower($name)])) {
        $mismatches[] = "in the stub but not registered by frankenphp_ws: {$c['kind']} $name (from " . ($rc->getExtensionName() ?: 'user code') . ')';
    }
    $kind = $rc->isEnum() ? 'enum' : ($rc->isInterface() ? 'interface' : ($rc->isTrait() ? 'trait' : 'class'));
    if ($kind !== $c['kind']) {
        $mismatches[] = "$name: a {$c['kind']} in the stub, a $kind registered";
    }
    if ($c['kind'] === 'class') {
        $parent = $rc->getParentClass() ? $rc->getParentClass()->getName() : '(none)';
        $stubParent = $c['extends'][0] ?? '(none)';
        if (strtolower($parent) !== strtolower($stubParent)) {
            $mismatches[] = "$name: extends $stubParent in the stub, $parent registered";
        }
        foreach ($c['implements'] as $interface) {
            if (!$rc->implementsInterface($interface)) {
                $mismatches[] = "$name: implements $interface in the stub, not registered";
            }
        }
    } else {
        foreach ($c['extends'] as $interface) {
            if (!$rc->implementsInterface($interface)) {
                $mismatches[] = "$name: extends $interface in the stub, not registered";
            }
        }
    }
    $stubMethods = array_change_key_case($c['methods']);
    foreach ($rc->getMethods() as $m) {
        if ($m->getDeclaringClass()->getName() === $rc->getName() && !isset($stubMethods[strtolower($m->getName())])) {
            $mismatches[] = "missing from the stub: method $name::" . signature($m);
        }
    }
    foreach ($c['methods'] as $method => $s) {
        if (!$rc->hasMethod($method)) {
            $mismatches[] = "in the stub but not registered: method $name::$method";
            continue;
        }
        array_push($mismatches, ...compare_function("$name::$method", $s, $rc->getMethod($method)));
    }
    foreach ($c['constants'] as $const => $expr) {
        if (!$rc->hasConstant($const)) {
            $mismatches[] = "in the stub but not registered: constant $name::$const";
            continue;
        }
        [$ok, $value] = stub_value($expr, $c['ns']);
        if ($ok && show($value) !== show($rc->getConstant($const))) {
            $mismatches[] = "$name::$const: " . show($value) . ' in the stub, ' . show($rc->getConstant($const)) . ' registered';
        }
    }
}

// Constants, both ways, with their values.
$registeredConstants = $ext->getConstants();
foreach ($registeredConstants as $name => $value) {
    if (!isset($stubConstants[$name])) {
        $mismatches[] = "missing from the stub: const $name = " . show($value) . ';';
    }
}
foreach ($stubConstants as $name => $c) {
    if (!array_key_exists($name, $registeredConstants)) {
        $mismatches[] = "in the stub but not registered: const $name";
        continue;
    }
    [$ok, $value] = stub_value($c['expr'], $c['ns']);
    if (!$ok) {
        $mismatches[] = "$name: stub value '{$c['expr']}' cannot be evaluated ($value)";
    } elseif (show($value) !== show($registeredConstants[$name])) {
        $mismatches[] = "$name: " . show($value) . ' in the stub, ' . show($registeredConstants[$name]) . ' registered';
    }
}

if ($mismatches !== []) {
    echo implode("\n", $mismatches), "\n";
    echo count($mismatches), " mismatches: stubs/frankenphp_ws.stub.php is stale; run `make stubs`\n";
} else {
    printf("stubs match: %d functions, %d classes, %d constants\n", count($registered), count($stubClasses), count($stubConstants));
}
?>
--EXPECTF--
stubs match: %d functions, %d classes, %d constants
