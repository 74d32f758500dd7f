# mqttconf: built with GNU make and the JDK's own tools (javac, jar, java).
#
#   make          build build/mqttconf.jar and the class-data-sharing archive bin/mqttconf starts it with
#   make test     build, compile test/ and run every JUnit test
#   make run      run the broker on port 1883
#   make bench    our broker against mosquitto, table in build/bench.md (not part of make test);
#                 BENCH=footprint for the start-up, connect and memory rows only, BENCH_OPTS=-Xmx64m for
#                 JVM options of our broker
#   make interop  real clients (mosquitto_pub/sub, python3-paho-mqtt, Paho Java) against the broker,
#                 and the conformance suite (mqttconf test) against mosquitto, the auth tests against
#                 one with a password file; both also over TLS and WebSocket (test/interop/transports.sh);
#                 Eclipse Paho C's and Paho Java's own tests against both brokers when PAHO_C_SRC and
#                 PAHO_JAVA_SRC name checkouts
#   make peers    the suite three times each against mosquitto, Paho's Python test broker (PAHO_TESTING=its
#                 checkout), Moquette, aedes and RabbitMQ (test/interop/peers.sh; PEERS=names for fewer)
#   make fuzz     hostile packets against the in-process broker while a canary publishes (FUZZ_SEED, FUZZ_PACKETS)
#   make soak     10,000 connect/disconnect cycles and 10,000 concurrent connections: no leak
#   make clean    remove build/ (the JUnit download in .cache/ stays)
#
# A JDK >= 21 is found by itself: JAVA_HOME if it is new enough, else the
# newest one under JVM_DIR. Override either on the command line.

VERSION       := 0.1.0
JAVA_MIN      := 21
JVM_DIR       := /usr/lib/jvm
JUNIT_VERSION := 1.14.1

JAR        := build/mqttconf.jar
JUNIT_JAR  := .cache/junit/junit-platform-console-standalone-$(JUNIT_VERSION).jar
JAVAC_OPTS := --release $(JAVA_MIN) -Xlint:all -Werror -proc:none -encoding UTF-8 -XDstringConcat=inline
# The jar keeps file names and line numbers for stack traces, not local variable tables (a quarter of its size).
DEBUG_INFO := -g:source,lines

.DEFAULT_GOAL := all
.PHONY: all test run interop peers bench fuzz soak clean FORCE

# --- Finding a JDK ---------------------------------------------------------
# Major version of the JDK in $1: its release file, else `javac -version`.
# A usable JDK has javac and jar and is at least JAVA_MIN.
find_jdk = \
  major() { v=; [ -r "$$1/release" ] && v=$$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$$1/release"); \
    [ -n "$$v" ] || v=$$("$$1/bin/javac" -version 2>&1 | sed -n 's/^javac \([0-9]*\).*/\1/p'); echo "$${v:-0}"; }; \
  usable() { [ -x "$$1/bin/javac" ] && [ -x "$$1/bin/jar" ] && [ "$$(major "$$1")" -ge $(JAVA_MIN) ]; }; \
  if [ -n "$(JAVA_HOME)" ] && usable "$(JAVA_HOME)"; then echo "$(JAVA_HOME)"; exit 0; fi; \
  best=; bestv=0; \
  for d in $(JVM_DIR)/*; do usable "$$d" || continue; v=$$(major "$$d"); \
    if [ "$$v" -gt "$$bestv" ]; then best=$$d; bestv=$$v; fi; done; \
  echo "$$best"

ifneq ($(filter-out clean,$(or $(MAKECMDGOALS),all)),)
JDK := $(shell $(find_jdk))
ifeq ($(JDK),)
$(error mqttconf: need a JDK $(JAVA_MIN) or newer (none in JAVA_HOME or $(JVM_DIR)/*): install one (e.g. openjdk-21-jdk) or set JAVA_HOME)
endif
endif

JAVA    := $(JDK)/bin/java
JAVAC   := $(JDK)/bin/javac
JARTOOL := $(JDK)/bin/jar

# --- Sources ---------------------------------------------------------------
# The list files change only when a file is added or removed, so a deleted
# source also triggers a clean recompile.
# Start.java is the jar's entry point, compiled for Java 8 so an old runtime gets a clear line, not a class error.
START     := src/mqttconf/Start.java
SRC       := $(filter-out $(START),$(shell find src -type f -name '*.java' 2>/dev/null | LC_ALL=C sort))
RES       := $(shell find src -type f ! -name '*.java' 2>/dev/null | LC_ALL=C sort)
# JUnit tests live under test/mqttconf (mirroring src); test/interop and test/bench hold scripts and peers.
TEST_SRC  := $(shell find test/mqttconf -type f -name '*.java' 2>/dev/null | LC_ALL=C sort)
TEST_RES  := $(shell find test/mqttconf -type f ! -name '*.java' 2>/dev/null | LC_ALL=C sort)

# $(call update_list,file,words): rewrite file only when its content changes.
update_list = mkdir -p build; printf '%s\n' $(2) > $(1).tmp; \
  if cmp -s $(1).tmp $(1); then rm -f $(1).tmp; else mv $(1).tmp $(1); fi

# $(call copy_resources,from,to,files): copy files keeping their path under from.
copy_resources = for f in $(patsubst $(1)/%,%,$(3)); do \
  mkdir -p "$(2)/$$(dirname "$$f")" && cp "$(1)/$$f" "$(2)/$$f" || exit 1; done

build/src.list: FORCE
	@$(call update_list,$@,$(SRC) $(RES))

build/test.list: FORCE
	@$(call update_list,$@,$(TEST_SRC) $(TEST_RES))

# --- Product ---------------------------------------------------------------
all: $(JAR) build/cds.stamp

build/classes.stamp: build/src.list $(SRC) $(START) $(RES) statements.tsv Makefile
	@rm -rf build/classes && mkdir -p build/classes
	@echo "javac $(words $(SRC)) files -> build/classes ($(JDK))"
	@$(JAVAC) $(JAVAC_OPTS) $(DEBUG_INFO) -d build/classes $(SRC)
	@$(JAVAC) $(subst --release $(JAVA_MIN),--release 8,$(JAVAC_OPTS)) -Xlint:-options $(DEBUG_INFO) -d build/classes $(START)
	@$(call copy_resources,src,build/classes,$(RES))
	@cp statements.tsv build/classes/statements.tsv
	@touch $@

$(JAR): build/classes.stamp
	@printf 'Main-Class: mqttconf.Start\nImplementation-Title: mqttconf\nImplementation-Version: %s\n' \
	  '$(VERSION)' > build/manifest.txt
	@rm -f $@
	@$(JARTOOL) --create --file $@ --manifest build/manifest.txt -C build/classes .
	@echo "built $@ ($$(wc -c < $@) bytes)"

# The class-data-sharing archive of bin/mqttconf on this JDK (see README, "JVM options"): the classes one broker
# start and stop through the launcher loads (build/cds.classlist), dumped as a static archive of those classes
# alone. It replaces the JDK's default archive plus a dynamic one on top (2.5 MB less resident) and starts as
# fast. When the broker cannot start here, the launcher's first run makes a dynamic archive instead.
build/cds.stamp: $(JAR) bin/mqttconf
	@rm -f build/mqttconf-java*.jsa build/cds.classlist
	@JAVA_HOME='$(JDK)' MQTTCONF_OPTS='-Xshare:off -XX:DumpLoadedClassList=build/cds.classlist' \
	  bin/mqttconf broker --port 0 > build/cds.log 2>&1 & pid=$$!; \
	  i=0; while [ $$i -lt 300 ] && kill -0 $$pid 2>/dev/null && ! grep -q 'Starting the MQTT server' build/cds.log; do \
	    sleep 0.1; i=$$((i + 1)); done; \
	  kill -TERM $$pid 2>/dev/null; wait $$pid; \
	  version=$$(sed -n 's/^JAVA_VERSION="\(.*\)"$$/\1/p' '$(JDK)/release'); \
	  if [ -s build/cds.classlist ] && [ -n "$$version" ]; then \
	    $(JAVA) -XX:+UseSerialGC -Xshare:dump -XX:SharedClassListFile=build/cds.classlist \
	      -XX:SharedArchiveFile=build/mqttconf-java$$version.jsa -cp $(JAR) >> build/cds.log 2>&1 || \
	      rm -f build/mqttconf-java$$version.jsa; fi; \
	  for f in build/mqttconf-java*.jsa; do [ -f "$$f" ] && echo "built $$f ($$(wc -c < "$$f") bytes)"; done; \
	  touch $@

run: $(JAR)
	$(JAVA) -jar $(JAR) broker --port 1883

# Installs mosquitto-clients and python3-paho-mqtt when missing (as root).
interop: $(JAR)
	test/interop/broker-clients.sh
	test/interop/broker-run.sh
	test/interop/suite-vs-mosquitto.sh --quiet
	test/interop/auth-vs-mosquitto.sh --quiet
	test/interop/paho-java.sh '$(JDK)'
	test/interop/transports.sh
	test/interop/paho-c.sh '$(JDK)'
	test/interop/paho-java-tests.sh '$(JDK)'

peers: $(JAR)
	test/interop/peers.sh $(PEERS)

bench: $(JAR)
	@BENCH='$(BENCH)' BENCH_OPTS='$(BENCH_OPTS)' test/bench/run.sh '$(JDK)'

fuzz: $(JAR) build/test-classes.stamp
	@$(JAVA) -cp build/test-classes:build/classes mqttconf.broker.fuzz.FuzzMain

# The held connections live in a child process: each process needs one descriptor per connection.
soak: $(JAR) build/test-classes.stamp
	@ulimit -n 20000 2>/dev/null || ulimit -n "$$(ulimit -Hn)"; \
	  $(JAVA) -cp build/test-classes:build/classes mqttconf.broker.fuzz.LeakCheck

clean:
	rm -rf build

# --- Tests -----------------------------------------------------------------
# The JUnit console launcher is fetched once through Maven into .cache/. Maven's own output (JDK warnings,
# colour codes even with -B) goes to .cache/junit/mvn.log and is shown only when the fetch fails.
$(JUNIT_JAR):
	@command -v mvn >/dev/null 2>&1 || \
	  { echo "mqttconf: make test needs Maven (mvn) once, to fetch JUnit into .cache/junit" >&2; exit 1; }
	@echo "fetching JUnit console launcher $(JUNIT_VERSION) into .cache/junit (first run only)"
	@mkdir -p .cache/junit; JAVA_HOME='$(JDK)' mvn -B -q dependency:copy \
	  -Dartifact=org.junit.platform:junit-platform-console-standalone:$(JUNIT_VERSION) \
	  -DoutputDirectory=.cache/junit > .cache/junit/mvn.log 2>&1 || \
	  { cat .cache/junit/mvn.log >&2; echo "mqttconf: Maven could not fetch JUnit (its log: .cache/junit/mvn.log)" >&2; exit 1; }

build/test-classes.stamp: build/test.list $(TEST_SRC) $(TEST_RES) build/classes.stamp $(JUNIT_JAR)
	@rm -rf build/test-classes && mkdir -p build/test-classes
	@echo "javac $(words $(TEST_SRC)) test files -> build/test-classes"
	@$(if $(TEST_SRC),$(JAVAC) $(JAVAC_OPTS) -cp build/classes:$(JUNIT_JAR) -d build/test-classes $(TEST_SRC))
	@$(call copy_resources,test/mqttconf,build/test-classes/mqttconf,$(TEST_RES))
	@touch $@

# Runs the launcher (its full feed goes to build/junit.log), shows each test class as it starts and every
# failure as it happens, then prints one line "junit: N passed, N failed[, N skipped]" from its summary
# (aborted tests count as skipped) and, last, each failure again with its message and the first mqttconf frame
# (a log's tail is often all a CI page shows), keeping its exit status. The console gets no colour codes.
test: $(JAR) build/test-classes.stamp
	@echo "junit: running every test class (each shown as it starts; full log in build/junit.log)"
	@{ $(JAVA) -jar $(JUNIT_JAR) execute --disable-banner --details=testfeed --disable-ansi-colors \
	    --fail-if-no-tests --class-path build/test-classes:build/classes \
	    --scan-class-path build/test-classes 2>&1; echo $$? > build/junit.rc; } | tee build/junit.log | \
	awk '{ gsub(/\033\[[0-9;]*m/, "") } \
	  / :: STARTED$$/ { n = split($$0, p, " > "); c = p[2]; sub(/ :: STARTED$$/, "", c); \
	    if (n >= 2 && c != cls) { cls = c; print "  " cls; fflush() } next } \
	  / :: SUCCESSFUL$$/ { next } { print; fflush() }'; \
	rc=$$(cat build/junit.rc); \
	awk '{ gsub(/\033\[[0-9;]*m/, "") } \
	  / tests successful / { ok = $$2; seen = 1 } / tests failed / { bad = $$2 } \
	  / tests skipped / { skip += $$2 } / tests aborted / { skip += $$2 } \
	  / :: FAILED$$/ { sub(/^JUnit Jupiter > /, ""); sub(/ :: FAILED$$/, ""); failed[++nf] = $$0; want = 2; next } \
	  want == 2 { sub(/^[ \t]+/, ""); failed[nf] = failed[nf] "\n    " substr($$0, 1, 400); want = 1; next } \
	  want == 1 && /^[ \t]+at mqttconf\./ { sub(/^[ \t]+/, ""); failed[nf] = failed[nf] "\n    " $$0; want = 0 } \
	  END { if (!seen) { print "junit: no summary from the launcher"; exit } \
	        printf "junit: %d passed, %d failed", ok, bad; \
	        if (skip > 0) printf ", %d skipped", skip; print ""; \
	        for (i = 1; i <= nf; i++) print "junit: FAILED " failed[i] }' build/junit.log; \
	exit $$rc

FORCE:
