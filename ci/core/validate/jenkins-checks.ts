/**
 * The Jenkins rules of `validate`, over what the Groovy parser reported per Jenkinsfile (see
 * `ci/adapters/validate/groovy-parse.ts`): the file parses, and every step-like call (a method
 * called on the script itself: `sh 'x'`, `stage('a') { … }`) is a declarative directive, a known
 * pipeline step, a Groovy built-in, or a method or closure the file defines. Pure.
 */
import { didYouMean } from '../did-you-mean.js';
import { problem, type ValidateProblem } from './problem.js';

export interface JenkinsFileReport {
  file: string;
  errors?: { line: number; column: number; message: string }[];
  /** Method calls on the implicit `this`. */
  calls?: { name: string; line: number; column: number }[];
  /** Methods and variables the file declares (callable as steps). */
  defs?: string[];
  crash?: string;
}

/** Declarative directives, sections and conditions. */
const DIRECTIVES = `pipeline agent any none label node docker dockerfile kubernetes customWorkspace reuseNode args image
registryUrl registryCredentialsId filename dir additionalBuildArgs alwaysPull stages stage steps parallel matrix axes axis
name values excludes exclude notValues post always changed fixed regression aborted failure success unstable
unsuccessful cleanup when branch buildingTag changelog changeset changeRequest environment equals expression tag
triggeredBy not allOf anyOf beforeAgent beforeInput beforeOptions options parameters triggers tools input message ok
submitter submitterParameter libraries lib failFast cron pollSCM upstream githubPush string text booleanParam choice
password credentials file run buildDiscarder logRotator disableConcurrentBuilds disableResume durabilityHint
newContainerPerStage overrideIndexTriggers preserveStashes quietPeriod rateLimitBuilds skipDefaultCheckout
skipStagesAfterUnstable checkoutToSubdirectory timestamps ansiColor parallelsAlwaysFailFast copyArtifactPermission
retry timeout lock`;

/** Pipeline steps from core Jenkins and widely installed plugins. */
const STEPS = `sh bat powershell pwsh echo error unstable warnError catchError sleep waitUntil retry timeout script dir
deleteDir pwd isUnix fileExists readFile writeFile stash unstash archiveArtifacts junit checkout git scm
withCredentials usernamePassword usernameColonPassword sshUserPrivateKey certificate dockerCert withEnv
withContext getContext build milestone input lock cleanWs publishHTML emailext mail slackSend mattermostSend
currentBuild env params tool load library properties pipelineTriggers parameters node ws stage parallel
readJSON writeJSON readYaml writeYaml readProperties readCSV writeCSV readManifest findFiles touch zip unzip tar untar
sha1 sha256 tee compareVersions nodesByLabel sshagent withAWS s3Upload s3Download awsIdentity withDockerRegistry
withDockerServer withDockerContainer dockerNode container podTemplate containerTemplate recordIssues publishChecks
recordCoverage githubNotify setGitHubPullRequestStatus step wrap buildName buildDescription addBadge addInfoBadge
addWarningBadge addErrorBadge createSummary removeBadges httpRequest nodejs withMaven withPythonEnv withSonarQubeEnv
waitForQualityGate resolveScm validateDeclarativePipeline fingerprint copyArtifacts artifactsPublisher
withGradle jacoco cobertura discoverGitReferenceBuild gitDiffStat junitParser xunit cucumber`;

/** Groovy methods callable without a receiver in any script. */
const GROOVY = `println print printf sprintf format sleep evaluate each with collect find findAll any every inject
tap use assert getClass getBinding setProperty getProperty invokeMethod hashCode toString equals identity`;

export const KNOWN_STEPS: ReadonlySet<string> = new Set([DIRECTIVES, STEPS, GROOVY].join(' ').split(/\s+/).filter(Boolean));

export function checkJenkinsfiles(opts: { reports: JenkinsFileReport[]; extraSteps?: Iterable<string> }): ValidateProblem[] {
  const out: ValidateProblem[] = [];
  const extra = new Set(opts.extraSteps ?? []);
  for (const r of opts.reports) {
    if (r.crash) {
      out.push(problem({ kind: 'jenkins', rule: 'jenkins/internal', message: `the Groovy parser failed on this file: ${r.crash}`, file: r.file, line: 1 }));
      continue;
    }
    if (r.errors?.length) {
      for (const e of r.errors) {
        out.push(problem({ kind: 'jenkins', rule: 'jenkins/parses', message: `does not parse: ${e.message}`, file: r.file, line: e.line, column: e.column }));
      }
      continue;
    }
    const defs = new Set(r.defs ?? []);
    for (const c of r.calls ?? []) {
      if (KNOWN_STEPS.has(c.name) || defs.has(c.name) || extra.has(c.name)) continue;
      const guess = didYouMean(c.name, KNOWN_STEPS);
      out.push(
        problem({
          kind: 'jenkins',
          rule: 'jenkins/known-step',
          message: `unknown step or directive '${c.name}'`,
          file: r.file,
          line: c.line,
          column: c.column,
          hint: guess ? `did you mean '${guess}'?` : 'only known pipeline steps may be used (a plugin step must be added to the known list)',
        }),
      );
    }
  }
  return out;
}
