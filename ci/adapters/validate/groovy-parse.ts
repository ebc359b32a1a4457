/**
 * Parses every Jenkinsfile in ONE Groovy JVM (Debian's `groovy`, about a second to start): a small
 * Groovy program compiles each file to the CONVERSION phase (parsing, no class resolution, so
 * plugin steps and `@Library` need nothing installed), prints syntax errors with line and column,
 * and lists the method calls made on the script itself and the names it declares. `JAVA_HOME` is
 * set to the JDK of the `java` on PATH when unset, since Debian's launcher needs it.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { JenkinsFileReport } from '../../core/validate/jenkins-checks.js';
import { findOnPath } from './tools.js';

const run = promisify(execFile);

export const GROOVY_PARSE_SCRIPT = String.raw`
import org.codehaus.groovy.control.*
import org.codehaus.groovy.control.messages.*
import org.codehaus.groovy.ast.*
import org.codehaus.groovy.ast.expr.*
import org.codehaus.groovy.syntax.SyntaxException
import groovy.json.JsonOutput

class StepCalls extends CodeVisitorSupport {
  List calls = []
  Set defs = [] as Set
  void visitMethodCallExpression(MethodCallExpression call) {
    if (call.isImplicitThis() && call.getMethodAsString() != null) {
      calls << [name: call.getMethodAsString(), line: call.lineNumber, column: call.columnNumber]
    }
    super.visitMethodCallExpression(call)
  }
  void visitDeclarationExpression(DeclarationExpression e) {
    if (e.isMultipleAssignmentDeclaration()) {
      e.getTupleExpression().getExpressions().each { defs << it.name }
    } else {
      defs << e.getVariableExpression().name
    }
    super.visitDeclarationExpression(e)
  }
  void visitBinaryExpression(BinaryExpression e) {
    if (e.operation.text == '=' && e.leftExpression instanceof VariableExpression) defs << e.leftExpression.name
    super.visitBinaryExpression(e)
  }
}

def line = { v -> v == null || v < 1 ? 1 : v }
for (String path : args) {
  def r = [file: path, errors: [], calls: [], defs: []]
  try {
    def cu = new CompilationUnit(new CompilerConfiguration())
    cu.addSource(new File(path))
    cu.compile(Phases.CONVERSION)
    def v = new StepCalls()
    cu.getAST().getModules().each { ModuleNode m ->
      m.getStatementBlock().visit(v)
      m.getMethods().each { MethodNode mn -> v.defs << mn.name; mn.getCode()?.visit(v) }
      m.getClasses().each { ClassNode cn ->
        if (!cn.isScript()) cn.getMethods().each { MethodNode mn -> v.defs << mn.name; mn.getCode()?.visit(v) }
      }
    }
    r.calls = v.calls
    r.defs = v.defs as List
  } catch (MultipleCompilationErrorsException e) {
    e.getErrorCollector().getErrors().each { msg ->
      if (msg instanceof SyntaxErrorMessage) {
        SyntaxException c = msg.getCause()
        r.errors << [line: line(c.getLine()), column: line(c.getStartColumn()), message: c.getOriginalMessage()]
      } else if (msg instanceof ExceptionMessage) {
        r.errors << [line: 1, column: 1, message: String.valueOf(msg.getCause()?.getMessage())]
      } else if (msg instanceof SimpleMessage) {
        r.errors << [line: 1, column: 1, message: msg.getMessage()]
      } else {
        r.errors << [line: 1, column: 1, message: msg.toString()]
      }
    }
  } catch (Throwable t) {
    r.crash = t.toString()
  }
  println JsonOutput.toJson(r)
}
`;

/** JAVA_HOME for the `java` on PATH (`/usr/lib/jvm/x/bin/java` → `/usr/lib/jvm/x`). */
export async function javaHome(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (env.JAVA_HOME) return env.JAVA_HOME;
  const java = await findOnPath('java', env);
  if (!java) return undefined;
  return dirname(dirname(await realpath(java)));
}

export type GroovyResult = { ok: true; reports: JenkinsFileReport[] } | { ok: false; reason: string };

/** Parses every file (absolute paths) in one JVM; reports come back keyed by the path given. */
export async function parseJenkinsfiles(opts: { files: string[]; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<GroovyResult> {
  const env = opts.env ?? process.env;
  if (!opts.files.length) return { ok: true, reports: [] };
  const groovy = await findOnPath('groovy', env);
  if (!groovy) return { ok: false, reason: 'groovy is not installed (apt-get install groovy default-jdk-headless)' };
  const home = await javaHome(env);
  if (!home) return { ok: false, reason: 'java is not installed (apt-get install default-jdk-headless)' };
  const dir = await mkdtemp(join(tmpdir(), 'dataship-groovy-'));
  try {
    const script = join(dir, 'ParseJenkinsfiles.groovy');
    await writeFile(script, GROOVY_PARSE_SCRIPT);
    let stdout: string;
    try {
      ({ stdout } = await run(groovy, [script, ...opts.files], {
        env: { ...env, JAVA_HOME: home },
        maxBuffer: 64 * 1024 * 1024,
        timeout: opts.timeoutMs ?? 120_000,
      }));
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      return { ok: false, reason: `groovy failed: ${(e.stderr || e.message).trim().split('\n').slice(0, 3).join(' ')}` };
    }
    const reports = stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as JenkinsFileReport);
    return { ok: true, reports };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
