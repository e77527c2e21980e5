"""The real projects tried: released sources nobody here wrote, two or more per language.

`kind` says where the source comes from (PyPI sdist, npm tarball, or the upstream tarball
of a Debian source package); `fetch_version` is the version the source is fetched by (a
Debian source package's version includes its revision). `offline` replaces a stage's
command where the wizard's default needs a registry this test bed cannot reach (Packagist,
Maven Central, the Gradle distributions); each replacement says why, and the results table
shows it, so a trial never hides what a user's run would do."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Project:
    name: str
    version: str
    language: str
    kind: str  # pypi | npm | debian
    package: str
    fetch_version: str = ""
    offline: dict[str, str] = field(default_factory=dict)  # stage name -> command run here instead
    why_offline: str = ""
    note: str = ""  # what a trial showed that the figures do not say

    @property
    def source(self) -> str:
        label = {"pypi": "PyPI sdist", "npm": "npm tarball", "debian": "Debian source"}[self.kind]
        return f"{label} {self.package} {self.fetch_version or self.version}"


PHP_OFFLINE = ("Packagist is out of reach here: the project needs no package but PHPUnit, so composer only "
               "writes the autoloader (dump-autoload --dev) and the agent image's PHPUnit (Debian's 9.6) runs the "
               "tests instead of vendor/bin/phpunit")
PHP_INSTALL = "composer validate --no-check-publish\ncomposer dump-autoload --dev\n"
PHP_TEST = ("mkdir -p reports\nfilter=; [ -d src ] && filter='--coverage-filter src'\n"
            "phpunit --log-junit reports/junit.xml --coverage-cobertura reports/coverage.xml $filter\n")

MAVEN_OFFLINE = ("the agent image here resolves offline from Debian's Maven repository, which has no "
                 "jacoco-maven-plugin: verify runs the default command without JaCoCo, as the test bed's sample does")
MAVEN_VERIFY = "mvn -B -ntp -Dmaven.compiler.showWarnings=true -Dmaven.compiler.showDeprecation=true verify\n"

PROJECTS: tuple[Project, ...] = (
    Project("six", "1.17.0", "python", "pypi", "six",
            note="pip install -e . and pytest; no ruff in the project: no lint stage"),
    Project("idna", "3.10", "python", "pypi", "idna",
            note="the project configures ruff: the lint stage reports its own code against current ruff rules"),
    Project("commander", "9.4.1", "node", "debian", "node-commander", "9.4.1-1",
            note="jest inside `jest && npm run test-typings`: the reporter flags now go after jest (before the "
                 "wizard fix they reached tsd and jest wrote no report)"),
    Project("ms", "2.1.3", "node", "debian", "node-ms", "2.1.3+~cs0.7.31-3",
            note="mocha with mocha-junit-reporter added for the build only"),
    Project("go-cmp", "0.5.9", "go", "debian", "golang-github-google-go-cmp", "0.5.9-1",
            note="go vet and staticcheck report the project's own code (unkeyed composite literals and a "
                 "malformed struct tag in its tests, an unused function); a library: built without -o bin/"),
    Project("uuid", "1.3.0", "go", "debian", "golang-github-google-uuid", "1.3.0-1",
            note="a library: the default build `go build -o bin/ ./...` failed (no main packages); the wizard "
                 "now builds every package without -o"),
    Project("cJSON", "1.7.15", "cpp", "debian", "cjson", "1.7.15-1+deb12u4",
            note="C with CMake; its Unity tests registered with ctest"),
    Project("tinyxml2", "9.0.0", "cpp", "debian", "tinyxml2", "9.0.0+dfsg-3.1",
            note="ctest counts its one test program (xmltest runs every check inside it)"),
    Project("commons-lang3", "3.12.0", "java-maven", "debian", "libcommons-lang3-java", "3.12.0-2+deb12u1",
            note="offline image: the parent POM commons-parent 52 is not in Debian's repository (Maven Central "
                 "out of reach); wizard: JDK 8 from maven.compiler.source"),
    Project("jsoup", "1.15.3", "java-maven", "debian", "jsoup", "1.15.3-1",
            note="offline image: the JaCoCo plugin of the default command (from Maven Central) is not in "
                 "Debian's repository; wizard: JDK 8 from the compiler plugin's source"),
    Project("hamcrest", "2.2", "java-gradle", "debian", "libhamcrest-java", "2.2-1",
            note="no gradlew in the release: the agent's gradle, here Debian's 4.4.1, cannot read its "
                 "settings.gradle (enableFeaturePreview); sourceCompatibility 1.7: the wizard now asks for JDK 8"),
    Project("picocli", "4.6.2", "java-gradle", "debian", "picocli", "4.6.2-2",
            note="a stale pom.xml (4.0.0-alpha-3) beside the Gradle build: two roots detected, --defaults "
                 "takes Maven; offline Maven cannot resolve its plugins"),
    Project("json-simple", "2.3.0", "java-maven", "debian", "libjson-simple-java", "2.3.0-1",
            offline={"verify": MAVEN_VERIFY}, why_offline=MAVEN_OFFLINE,
            note="offline image: Maven cannot read the POM, its build extension nexus-staging-maven-plugin 1.6.7 "
                 "is not in Debian's repository (nor its pinned compiler plugin 2.3.2, jflex plugin, junit 4.12)"),
    Project("java-diff-utils", "4.9", "java-maven", "debian", "java-diff-utils", "4.9-1",
            offline={"verify": MAVEN_VERIFY}, why_offline=MAVEN_OFFLINE,
            note="offline image: the parent's pinned maven-javadoc-plugin 3.1.1 is not in Debian's repository "
                 "(nor surefire 3.0.0-M4, checkstyle, junit-jupiter 5.6.2, assertj)"),
    Project("jcommander", "1.71", "java-gradle", "debian", "libjcommander-java", "1.71-4",
            note="gradlew without gradle-wrapper.jar (stripped from the tarball): ./gradlew could not start; the "
                 "wizard now uses the agent's gradle then; offline, its plugin com.jfrog.bintray 1.2 cannot be "
                 "had from the Gradle plugin portal"),
    Project("webmozart/assert", "1.11.0", "php", "debian", "php-webmozart-assert", "1.11.0-1",
            offline={"install": PHP_INSTALL, "test": PHP_TEST}, why_offline=PHP_OFFLINE,
            note="PHPStan is not in the air-gapped image (Debian has none): the lint stage writes no findings"),
    Project("doctrine/instantiator", "1.5.0", "php", "debian", "php-doctrine-instantiator", "1.5.0-1",
            offline={"install": PHP_INSTALL, "test": PHP_TEST}, why_offline=PHP_OFFLINE,
            note="PHPStan is not in the air-gapped image (Debian has none): the lint stage writes no findings"),
    Project("nikic/fast-route", "1.3.0", "php", "debian", "php-nikic-fast-route", "1.3.0-4",
            offline={"install": PHP_INSTALL, "test": PHP_TEST}, why_offline=PHP_OFFLINE,
            note="its tests are written for PHPUnit 4.8/5.7 (setUp() without `: void`): PHPUnit 9 refuses "
                 "them; online, composer would install 5.7, which the wizard's PHP 8.4 no longer runs"),
)
