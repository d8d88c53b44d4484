# Tchap desktop. The two commands a newcomer needs:
#   make demo   sets everything up and opens the app, logged in to a local demo homeserver
#   make test   sets everything up and runs every test
SHELL := /bin/bash
export CARGO_TARGET_DIR ?= $(HOME)/.cache/tchap/target
export TCHAP_CACHE ?= $(HOME)/.cache/tchap
APP := $(CARGO_TARGET_DIR)/debug/tchap-desktop
DEMO_DIR := $(TCHAP_CACHE)/demo

.PHONY: deps ui app test test-ui test-rust test-e2e demo deb mirror msi clean-demo bench bench-app bench-media bench-search bench-timeline

deps:
	scripts/install-deps.sh

ui: deps
	npm --prefix ui run build

app: ui
	cargo build -p tchap-desktop --locked

test: app
	npm --prefix ui test
	scripts/with-synapse.sh scripts/with-scanner.sh scripts/with-federation.sh $(MAKE) --no-print-directory test-rust test-e2e
	tests/keyring/kept.sh
	tests/package/deb.sh
	scripts/with-synapse.sh tests/package/deb-lifecycle.sh
	tests/package/msi.sh

# Backend tests (no window) against the Synapse, its content scanner
# (tests/scanner) and the local Tchap federation (tests/federation) started
# by `make test`, with a
# throwaway GNOME Keyring as the OS secret store: the core crate's (which
# build without Tauri or WebKit), then the shell's (the bindings check).
test-rust:
	tests/keyring/with-keyring.sh cargo test -p tchap-core -p tchap-desktop --locked -- --test-threads=2

# The real app under Xvfb, driven through tauri-driver + WebKitWebDriver, with
# its own D-Bus session and keyring.
test-e2e:
	TCHAP_APP_BINARY=$(APP) timeout 2400 xvfb-run -a -s "-screen 0 1280x800x24" tests/keyring/with-keyring.sh npm --prefix tests/e2e test

demo: app
	scripts/demo.sh $(APP)

clean-demo:
	-tests/federation/federation.sh stop $(DEMO_DIR)/federation
	rm -rf $(DEMO_DIR)

# The Linux package, with the configuration at the top level (see README),
# repacked with xz (packaging/linux/xz-deb.sh).
deb: ui
	cd src-tauri && TAURI_APP_PATH=. ../ui/node_modules/.bin/tauri build --bundles deb $(DEB_FLAGS)
	packaging/linux/xz-deb.sh "$$(ls -t $(CARGO_TARGET_DIR)/$(if $(findstring --debug,$(DEB_FLAGS)),debug,release)/bundle/deb/*.deb | head -1)"

# The mirror the fleet updates from (scripts/mirror.sh: latest.json for the
# updater, the signed bundles, a signed apt repository), from the newest
# release .deb unless BUNDLES names others (.deb, .msi). Publishing again adds.
#   TAURI_SIGNING_PRIVATE_KEY=… TCHAP_MIRROR_GPG_KEY=… \
#   make mirror MIRROR_DIR=/srv/tchap MIRROR_URL=https://mirror.example/tchap [BUNDLES="a.deb b.msi"]
BUNDLES ?= $(firstword $(shell ls -t $(CARGO_TARGET_DIR)/release/bundle/deb/*.deb 2>/dev/null))
mirror:
	scripts/mirror.sh $(if $(MIRROR_NOTES),--notes "$(MIRROR_NOTES)") "$(MIRROR_DIR)" "$(MIRROR_URL)" $(BUNDLES)
# The two Windows installers, cross-built here (packaging/windows/build-msi.sh,
# README "Deployment → Windows"): Tchap-user.msi (per-user, updater) and
# Tchap-machine.msi (per-machine, no updater) in MSI_DIR. The release profile
# takes about an hour on a 2-core machine; `make test` checks a quicker build
# (MSI_PROFILE=windows-ci, tests/package/msi.sh).
MSI_PROFILE ?= release
MSI_DIR ?= $(CARGO_TARGET_DIR)/msi
msi: ui
	packaging/windows/build-msi.sh $(MSI_PROFILE) $(MSI_DIR)

# Room-list figures, ours beside a bare matrix-sdk-ui program, written to
# BENCHMARKS.md (see crates/tchap-core/examples/bench_room_list.rs), against a
# throwaway Synapse and keyring. Quicker: make bench BENCH_ARGS="--rooms 100 --runs 1 --out /tmp/bench.md"
bench: deps
	cargo build -p tchap-core --locked --example bench_room_list --example bench_bare_sdk
	scripts/with-synapse.sh tests/keyring/with-keyring.sh $(CARGO_TARGET_DIR)/debug/examples/bench_room_list \
	  $(or $(BENCH_ARGS),--rooms 1000 --runs 5 --out $(CURDIR)/BENCHMARKS.md)

# Whole-app figures: the release app in its real window under Xvfb beside a
# bare Tauri 2 window (src-tauri/examples/bare_window.rs), written to
# BENCHMARKS.md (see tests/e2e/bench-app.mjs), against a throwaway Synapse and
# one keyring for the whole run. Quicker:
#   make bench-app BENCH_APP_ARGS="--rooms 50 --runs 1 --out /tmp/bench-app.md"
bench-app: ui
	cargo build --release -p tchap-desktop --locked
	cargo build --release -p tchap-desktop --locked --example bare_window
	scripts/with-synapse.sh xvfb-run -a -s "-screen 0 1280x800x24" tests/keyring/with-keyring.sh \
	  node tests/e2e/bench-app.mjs $(BENCH_APP_ARGS)

# Attachment figures: a 12-megapixel photo's thumbnail, ours beside the bare
# image crate (crates/tchap-core/examples/bench_thumbnail.rs); then the release
# app in its real window opening and scrolling a room of 200 photos through
# the content scanner (tests/e2e/bench-media.mjs). Both write to BENCHMARKS.md.
bench-media: ui
	cargo build -p tchap-core --locked --example bench_thumbnail
	$(CARGO_TARGET_DIR)/debug/examples/bench_thumbnail --out $(CURDIR)/BENCHMARKS.md
	cargo build --release -p tchap-desktop --locked
	scripts/with-synapse.sh scripts/with-scanner.sh xvfb-run -a -s "-screen 0 1280x800x24" tests/keyring/with-keyring.sh \
	  node tests/e2e/bench-media.mjs $(BENCH_MEDIA_ARGS)

# Message search figures: generated French messages of one room indexed then
# searched, the app's encrypted index beside the SDK's unencrypted one
# (crates/tchap-core/examples/bench_search/), no server needed; writes its
# block to BENCHMARKS.md. Quicker:
#   make bench-search BENCH_SEARCH_ARGS="--messages 1000 --runs 1 --out /tmp/bench-search.md"
bench-search:
	cargo build -p tchap-core --locked --example bench_search
	$(CARGO_TARGET_DIR)/debug/examples/bench_search $(or $(BENCH_SEARCH_ARGS),--messages 100000 --runs 2 --out $(CURDIR)/BENCHMARKS.md)

# Long-room figures (issue 15, tests/e2e/bench-timeline.mjs): the debug app in
# its real window under Xvfb scrolling back 20,000 messages (PSS every 2,000,
# app and WebKit apart) beside BENCH_TIMELINE_BASELINE, the debug app built at
# the commit to compare with (`cargo build -p tchap-desktop` there, copied to
# that path; BENCH_TIMELINE_LABEL says what it is); then opening a room of
# 5,000 members beside a room of 2. Seeding takes tens of minutes. Written to
# BENCHMARKS.md. Quicker: add BENCH_TIMELINE_ARGS="--events 2000 --members 300 --runs 1 --out /tmp/bench-timeline.md"
BENCH_TIMELINE_BASELINE ?= /var/tmp/tchap-desktop-75a3a70
BENCH_TIMELINE_LABEL ?= the app before recentring, commit 75a3a70
bench-timeline: ui
	cargo build -p tchap-desktop --locked
	cp $(APP) /tmp/tchap-desktop-bench-timeline
	scripts/with-synapse.sh xvfb-run -a -s "-screen 0 1280x800x24" tests/keyring/with-keyring.sh \
	  node tests/e2e/bench-timeline.mjs --binary /tmp/tchap-desktop-bench-timeline \
	  --baseline-binary $(BENCH_TIMELINE_BASELINE) --baseline-label "$(BENCH_TIMELINE_LABEL)" $(BENCH_TIMELINE_ARGS)
