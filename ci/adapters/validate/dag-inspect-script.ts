/**
 * The Python program that inspects Airflow DAG files with the standard library only (no Airflow
 * needed). One process reads `{"root": DIR, "files": [PATH…]}` on stdin and prints one JSON
 * document: per file, the compile error or what it defines — DAG ids, tasks and whether each has
 * retries, module-level calls to external systems, and dbt `--select` values.
 *
 * Retries rule: a task has retries when its call sets `retries=` (a literal 0 counts as none), or
 * when its own `default_args=` or its DAG's `default_args` holds a `retries` key. `default_args`
 * is resolved through dict literals, `dict(...)`, `{**base, ...}` and names assigned at module
 * level in the same file or imported from a module inside the DAGs folder. When it cannot be
 * resolved (a function call, a name from outside the folder), the DAG is given the benefit of the
 * doubt (`unknown`), but only when it passes `default_args=` at all. A task whose DAG cannot be
 * found (a factory function in a helper module) is `unknown`.
 *
 * Module level means code that runs when the scheduler imports the file: everything outside
 * function bodies and lambdas — `with DAG(...)` blocks, class bodies, decorators and default
 * argument values included.
 */
export const DAG_INSPECT_SCRIPT = String.raw`
import ast, json, os, re, shlex, sys

EXTERNAL = {
    'boto3.client', 'boto3.resource', 'boto3.session.Session.client', 'boto3.Session.client',
    'requests.get', 'requests.post', 'requests.put', 'requests.patch', 'requests.delete',
    'requests.head', 'requests.options', 'requests.request',
    'httpx.get', 'httpx.post', 'httpx.put', 'httpx.patch', 'httpx.delete', 'httpx.request',
    'urllib.request.urlopen', 'urllib.request.urlretrieve',
    'http.client.HTTPConnection', 'http.client.HTTPSConnection',
    'socket.create_connection', 'smtplib.SMTP', 'smtplib.SMTP_SSL',
    'snowflake.connector.connect', 'psycopg2.connect', 'psycopg.connect', 'pymysql.connect',
    'redshift_connector.connect', 'pymongo.MongoClient', 'redis.Redis', 'redis.StrictRedis',
    'subprocess.run', 'subprocess.call', 'subprocess.check_call', 'subprocess.check_output', 'subprocess.Popen',
    'os.system', 'os.popen',
}
# Matched on the end of the resolved name, whatever module they were imported from.
EXTERNAL_TAILS = (
    'Variable.get', 'Variable.set', 'BaseHook.get_connection', 'BaseHook.get_hook',
    'Connection.get_connection_from_secrets',
)

def dotted(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return '.'.join(reversed(parts))
    if isinstance(node, ast.Call):
        inner = dotted(node.func)
        if inner:
            parts.append(inner + '()')
            return '.'.join(reversed(parts))
    return None

class FileInfo:
    def __init__(self, path, tree):
        self.path = path
        self.tree = tree
        self.imports = {}      # local name -> dotted module path
        self.assigns = {}      # module-level name -> value node
        for stmt in tree.body:
            self.collect(stmt)

    def collect(self, stmt):
        if isinstance(stmt, ast.Import):
            for a in stmt.names:
                self.imports[(a.asname or a.name).split('.')[0]] = a.name if a.asname else a.name.split('.')[0]
        elif isinstance(stmt, ast.ImportFrom):
            mod = ('.' * stmt.level) + (stmt.module or '')
            for a in stmt.names:
                self.imports[a.asname or a.name] = mod + ('.' if mod and not mod.endswith('.') else '') + a.name
        elif isinstance(stmt, ast.Assign):
            for t in stmt.targets:
                if isinstance(t, ast.Name):
                    self.assigns[t.id] = stmt.value
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
            self.assigns[stmt.target.id] = stmt.value
        elif isinstance(stmt, (ast.If, ast.Try)):
            for s in getattr(stmt, 'body', []) + getattr(stmt, 'orelse', []):
                self.collect(s)

    def resolve(self, name):
        if not name:
            return name
        head, _, rest = name.partition('.')
        if head in self.imports:
            full = self.imports[head]
            return full + ('.' + rest if rest else '')
        return name

class Inspector:
    def __init__(self, root):
        self.root = root
        self.cache = {}

    def load(self, path):
        if path in self.cache:
            return self.cache[path]
        info = None
        try:
            with open(path, encoding='utf-8') as fh:
                info = FileInfo(path, ast.parse(fh.read(), path))
        except Exception:
            info = None
        self.cache[path] = info
        return info

    def module_file(self, info, module):
        level = len(module) - len(module.lstrip('.'))
        module = module.lstrip('.')
        parts = module.split('.') if module else []
        bases = []
        if level:
            base = os.path.dirname(info.path)
            for _ in range(level - 1):
                base = os.path.dirname(base)
            bases.append(base)
        else:
            bases += [self.root, os.path.dirname(info.path)]
        for base in bases:
            for cand in (os.path.join(base, *parts) + '.py', os.path.join(base, *parts, '__init__.py')):
                if os.path.isfile(cand) and os.path.abspath(cand).startswith(os.path.abspath(self.root)):
                    return cand
        return None

    def has_retries(self, info, node, depth=0):
        """'yes', 'no', 'zero' or 'unknown' for a default_args expression."""
        if depth > 8 or node is None:
            return 'unknown'
        if isinstance(node, ast.Dict):
            result = 'no'
            for k, v in zip(node.keys, node.values):
                if k is None:
                    r = self.has_retries(info, v, depth + 1)
                    if r in ('yes', 'zero') or (r == 'unknown' and result == 'no'):
                        result = r
                elif isinstance(k, ast.Constant) and k.value == 'retries':
                    result = 'zero' if isinstance(v, ast.Constant) and v.value == 0 else 'yes'
            return result
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == 'dict':
            result = 'no'
            for a in node.args:
                r = self.has_retries(info, a, depth + 1)
                if r != 'no':
                    result = r
            for kw in node.keywords:
                if kw.arg == 'retries':
                    result = 'zero' if isinstance(kw.value, ast.Constant) and kw.value.value == 0 else 'yes'
                elif kw.arg is None:
                    r = self.has_retries(info, kw.value, depth + 1)
                    if r != 'no':
                        result = r
            return result
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            right = self.has_retries(info, node.right, depth + 1)
            return right if right != 'no' else self.has_retries(info, node.left, depth + 1)
        if isinstance(node, ast.Name):
            found = self.lookup(info, node.id)
            if found:
                return self.has_retries(found[0], found[1], depth + 1)
            return 'unknown'
        return 'unknown'

    def lookup(self, info, name, depth=0):
        """(file, value node) of a module-level name, following imports inside the DAGs folder."""
        if depth > 8:
            return None
        if name in info.assigns:
            return (info, info.assigns[name])
        if name in info.imports:
            module, _, attr = info.imports[name].rpartition('.')
            path = self.module_file(info, module) if module else None
            other = self.load(path) if path else None
            if other is not None:
                return self.lookup(other, attr, depth + 1)
        return None

def kw(call, name):
    for k in call.keywords:
        if k.arg == name:
            return k.value
    return None

def const_str(node):
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None

def call_name(call):
    return dotted(call.func) or ''

def is_dag_call(call, info):
    name = info.resolve(call_name(call))
    return name.split('.')[-1] == 'DAG'

def is_task_call(call):
    last = call_name(call).split('.')[-1]
    return last.endswith('Operator') or last.endswith('Sensor')

def task_decorator(dec):
    target = dec.func if isinstance(dec, ast.Call) else dec
    name = dotted(target) or ''
    parts = name.split('.')
    if parts[0] == 'task' or name.endswith('.task') or '.task.' in name:
        return dec
    return None

def dag_decorator(dec):
    target = dec.func if isinstance(dec, ast.Call) else dec
    name = dotted(target) or ''
    return dec if name.split('.')[-1] == 'dag' else None

def is_main_guard(test):
    return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == '__name__'
            and len(test.comparators) == 1 and const_str(test.comparators[0]) == '__main__')

SELECT_FLAGS = ('--select', '-s', '--models', '-m')
SHELL_SEPARATORS = ('&&', '||', ';', '|', '&')

COMMAND_PREFIXES = ('exec', 'time', 'env', 'nohup', 'command')

def selectors_in_tokens(tokens):
    """--select values of every dbt command in a token list; dbt must be the command word."""
    found = []
    i = 0
    in_dbt = False
    at_command = True
    while i < len(tokens):
        t = tokens[i]
        if t in SHELL_SEPARATORS or t in ('(', ')', '$(', '{', '}') or t.endswith(';'):
            in_dbt = False
            at_command = True
        elif at_command:
            if re.match(r'^[A-Za-z_][A-Za-z0-9_]*=', t) or t in COMMAND_PREFIXES:
                pass
            else:
                in_dbt = os.path.basename(t) == 'dbt'
                at_command = False
        elif in_dbt:
            for flag in SELECT_FLAGS:
                if t == flag:
                    values = []
                    j = i + 1
                    while j < len(tokens) and not tokens[j].startswith('-') and tokens[j] not in SHELL_SEPARATORS:
                        values.append(tokens[j])
                        j += 1
                    found.append((t, ' '.join(values)))
                    i = j - 1
                    break
                if t.startswith(flag + '=') and flag.startswith('--'):
                    found.append((flag, t[len(flag) + 1:]))
                    break
        i += 1
    return found

def split_shell(text):
    try:
        text = text.replace('\n', ' ; ').replace('\\ ; ', ' ')
        lex = shlex.shlex(text, posix=True, punctuation_chars=';&|()')
        lex.whitespace_split = True
        lex.commenters = ''
        return list(lex)
    except ValueError:
        return text.split()

def dbt_selectors_in_string(s):
    if not re.search(r'(^|[\s/;&|(])dbt\s', s):
        return []
    out = []
    pos = 0
    for flag, value in selectors_in_tokens(split_shell(s)):
        m = re.compile(r'(^|\s)' + re.escape(flag) + r'(\s|=|$)').search(s, pos)
        idx = m.start() if m else pos
        pos = m.end() if m else pos
        out.append((value, s[:idx].count('\n')))
    return out

def inspect(inspector, path, rel):
    result = {'file': rel, 'dags': [], 'tasks': [], 'external': [], 'dbt': []}
    try:
        with open(path, encoding='utf-8') as fh:
            source = fh.read()
    except Exception as e:
        result['error'] = {'line': 1, 'column': 1, 'message': 'cannot read: %s' % e}
        return result
    try:
        compile(source, path, 'exec', dont_inherit=True)
        tree = ast.parse(source, path)
    except SyntaxError as e:
        result['error'] = {'line': e.lineno or 1, 'column': e.offset or 1, 'message': '%s: %s' % (type(e).__name__, e.msg)}
        return result
    except ValueError as e:
        result['error'] = {'line': 1, 'column': 1, 'message': str(e)}
        return result
    info = FileInfo(path, tree)
    inspector.cache[path] = info

    dags = []          # {'id', 'line', 'retries', 'var', 'node'}
    dag_by_var = {}

    def dag_entry(call, fallback_id=None, var=None):
        dag_id = const_str(call.args[0]) if call.args else None
        if dag_id is None:
            dag_id = const_str(kw(call, 'dag_id'))
        if dag_id is None:
            dag_id = fallback_id
        da = kw(call, 'default_args')
        entry = {'id': dag_id, 'line': call.lineno, 'retries': inspector.has_retries(info, da) if da is not None else 'none'}
        dags.append(entry)
        if var:
            dag_by_var[var] = entry
        return entry

    def task_entry(node, name, call_kwargs, dag):
        r = call_kwargs.get('retries')
        if r is not None:
            retries = 'zero' if isinstance(r, ast.Constant) and r.value == 0 else 'yes'
        else:
            own = call_kwargs.get('default_args')
            retries = inspector.has_retries(info, own) if own is not None else 'no'
            if retries == 'no':
                if dag is None:
                    retries = 'orphan'
                elif dag['retries'] in ('yes', 'unknown'):
                    retries = 'yes' if dag['retries'] == 'yes' else 'unknown'
                elif dag['retries'] == 'zero':
                    retries = 'zero'
        task_id = const_str(call_kwargs.get('task_id'))
        result['tasks'].append({'name': name, 'taskId': task_id, 'line': node.lineno, 'column': node.col_offset + 1,
                                'retries': retries, 'dag': dag['id'] if dag else None})

    def dag_of_kwarg(call):
        d = kw(call, 'dag')
        if isinstance(d, ast.Name):
            return dag_by_var.get(d.id)
        return None

    external = []
    def check_external(call):
        name = info.resolve(call_name(call))
        if not name:
            return
        hit = name in EXTERNAL or any(name == t or name.endswith('.' + t) for t in EXTERNAL_TAILS)
        last = name.split('.')[-1]
        if not hit and last.endswith('Hook') and last[0].isupper():
            hit = True
        if not hit and '()' in name:
            base = name.split('()')[0].split('.')[-1]
            if base.endswith('Hook'):
                hit = True
        if hit:
            external.append({'call': call_name(call), 'resolved': name, 'line': call.lineno, 'column': call.col_offset + 1})

    def visit(node, ctx):
        """ctx: {'dag': entry or None, 'module': bool}"""
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            dag_dec = None
            task_dec = None
            for dec in node.decorator_list:
                visit(dec, ctx)
                dag_dec = dag_dec or dag_decorator(dec)
                task_dec = task_dec or task_decorator(dec)
            for d in node.args.defaults + [d for d in node.args.kw_defaults if d is not None]:
                visit(d, ctx)
            inner = dict(ctx, module=False)
            if dag_dec is not None:
                call = dag_dec if isinstance(dag_dec, ast.Call) else ast.Call(func=dag_dec, args=[], keywords=[], lineno=node.lineno)
                if not hasattr(call, 'lineno'):
                    call.lineno = node.lineno
                inner['dag'] = dag_entry(call, fallback_id=node.name)
                inner['dagFunctions'] = ctx.get('dagFunctions', set()) | {node.name}
            if task_dec is not None:
                kws = {k.arg: k.value for k in task_dec.keywords} if isinstance(task_dec, ast.Call) else {}
                task_entry(node, '@task ' + node.name, kws, ctx.get('dag'))
            for s in node.body:
                visit(s, inner)
            return
        if isinstance(node, ast.If) and ctx['module'] and is_main_guard(node.test):
            for s in node.body:
                visit(s, dict(ctx, module=False))
            for s in node.orelse:
                visit(s, ctx)
            return
        if isinstance(node, ast.Lambda):
            visit(node.args, ctx)
            visit(node.body, dict(ctx, module=False))
            return
        if isinstance(node, (ast.With, ast.AsyncWith)):
            inner = ctx
            for item in node.items:
                visit(item.context_expr, ctx)
                ce = item.context_expr
                if isinstance(ce, ast.Call) and is_dag_call(ce, info):
                    inner = dict(ctx, dag=ctx['seen'].get(id(ce)))
                elif isinstance(ce, ast.Name) and ce.id in dag_by_var:
                    inner = dict(ctx, dag=dag_by_var[ce.id])
            for s in node.body:
                visit(s, inner)
            return
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and is_dag_call(node.value, info):
            var = node.targets[0].id if isinstance(node.targets[0], ast.Name) else None
            ctx['seen'][id(node.value)] = dag_entry(node.value, var=var)
            for a in node.value.args + [k.value for k in node.value.keywords]:
                visit(a, ctx)
            if ctx['module']:
                check_external(node.value)
            return
        if isinstance(node, ast.Call):
            if is_dag_call(node, info) and id(node) not in ctx['seen']:
                ctx['seen'][id(node)] = dag_entry(node)
            elif is_task_call(node):
                kws = {k.arg: k.value for k in node.keywords if k.arg}
                task_entry(node, call_name(node), kws, dag_of_kwarg(node) or ctx.get('dag'))
            if ctx['module']:
                check_external(node)
            fname = call_name(node).split('.')[-1].lower()
            if 'dbt' in fname or 'dbt' in call_name(node).lower():
                for k in node.keywords:
                    if k.arg in ('select', 'models'):
                        vals = [const_str(k.value)] if const_str(k.value) else [const_str(e) for e in getattr(k.value, 'elts', [])]
                        for v in vals:
                            if v:
                                result['dbt'].append({'selector': v, 'line': k.value.lineno, 'flag': k.arg})
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            for value, dl in dbt_selectors_in_string(node.value):
                result['dbt'].append({'selector': value, 'line': node.lineno + dl, 'flag': '--select'})
        if isinstance(node, (ast.List, ast.Tuple)) and node.elts and all(const_str(e) is not None for e in node.elts):
            tokens = [const_str(e) for e in node.elts]
            if any(os.path.basename(t) == 'dbt' for t in tokens):
                for flag, value in selectors_in_tokens(tokens):
                    idx = tokens.index(flag) if flag in tokens else 0
                    result['dbt'].append({'selector': value, 'line': node.elts[min(idx + 1, len(node.elts) - 1)].lineno, 'flag': flag})
                return
        for child in ast.iter_child_nodes(node):
            visit(child, ctx)

    for stmt in tree.body:
        visit(stmt, {'dag': None, 'module': True, 'seen': {}})

    # Tasks defined with @task inside a @dag function or a with-DAG block take that DAG's
    # default_args; tasks without any DAG context in a file that defines exactly one DAG take it.
    for t in result['tasks']:
        if t['retries'] == 'orphan':
            if len(dags) == 1:
                d = dags[0]
                t['retries'] = {'yes': 'yes', 'unknown': 'unknown', 'zero': 'zero'}.get(d['retries'], 'no')
                t['dag'] = d['id']
            elif dags:
                t['retries'] = 'no'
            else:
                t['retries'] = 'unknown'
    result['dags'] = [{'id': d['id'], 'line': d['line']} for d in dags]
    result['external'] = external
    return result

def main():
    req = json.load(sys.stdin)
    inspector = Inspector(os.path.abspath(req['root']))
    out = []
    for item in req['files']:
        try:
            out.append(inspect(inspector, os.path.abspath(item['path']), item['rel']))
        except Exception as e:  # one file must never stop the others
            out.append({'file': item['rel'], 'crash': '%s: %s' % (type(e).__name__, e)})
    json.dump({'python': sys.version.split()[0], 'files': out}, sys.stdout)

main()
`;
