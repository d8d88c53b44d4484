#!/usr/bin/env python3
"""The release .deb's size and what takes the room, written to BENCHMARKS.md
between <!-- package-size:start --> and <!-- package-size:end --> (the other
blocks are left as they are).

  tests/package/size-report.py RELEASE_DEB [--symbols BINARY] [--out BENCHMARKS.md]

RELEASE_DEB: the release .deb (`make deb`). Its binary is stripped, so which
crates take the room is read from BINARY, a build of the same code that kept
its symbols (the debug .deb's binary: another profile, so its shares are an
approximation of the release's, and the block says so).
"""
import argparse, collections, os, re, subprocess, sys, tempfile

AIM_BYTES = 20_000_000
BEFORE = "30.2 MiB .deb, 91 MB binary (issue 16, `strip = \"debuginfo\"`, `codegen-units = 4`)"
STANDARD = {"core", "alloc", "std"}
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(*command):
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def extract_binary(deb, into):
    # dpkg-deb, not tar: the paths in the archive may start with ./ (xz-deb.sh's repack) or not (Tauri's).
    subprocess.run(["dpkg-deb", "-x", deb, into], check=True)
    folder = os.path.join(into, "usr/bin")
    return os.path.join(folder, os.listdir(folder)[0])


def sections(binary):
    """Allocated sections (what is loaded), largest first, in bytes."""
    found = {}
    for line in run("size", "-A", binary).splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0].startswith(".") and int(parts[2]) != 0:
            found[parts[0]] = int(parts[1])
    return sorted(found.items(), key=lambda item: -item[1])


def crate_shares(binary):
    """Code bytes per crate, from the symbol table (demangled names)."""
    per_crate = collections.Counter()
    for line in run("nm", "-C", "--print-size", "--size-sort", binary).splitlines():
        parts = line.split(" ", 3)
        if len(parts) < 4 or parts[2] not in "tTwW":
            continue
        # Generic code belongs to the crate it was instantiated for
        # (core::ptr::drop_in_place<matrix_sdk::Client> is matrix_sdk's).
        crates = re.findall(r"(?<![A-Za-z0-9_:])([a-z_][a-z0-9_]*)::", parts[3])
        ours = [c for c in crates if c not in STANDARD]
        crate = ours[0] if ours else "Rust standard library" if crates else "C code (SQLite, …) and others"
        per_crate[crate] += int(parts[1], 16)
    return per_crate


def mib(n):
    return f"{n / 1048576:.1f} MiB ({n / 1e6:.1f} MB)"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("deb")
    parser.add_argument("--symbols")
    parser.add_argument("--out", default=os.path.join(ROOT, "BENCHMARKS.md"))
    args = parser.parse_args()

    deb_size = os.path.getsize(args.deb)
    with tempfile.TemporaryDirectory() as scratch:
        binary = extract_binary(args.deb, scratch)
        binary_size = os.path.getsize(binary)
        loaded = sections(binary)
        # Tauri's .deb is gzip-compressed; what xz (Debian's default) would make of the binary.
        xz_binary = len(subprocess.run(["xz", "-6", "-T1", "-c", binary], check=True, capture_output=True).stdout)
    listing = run("dpkg-deb", "-c", args.deb).splitlines()
    installed = sum(int(line.split()[2]) for line in listing)
    ui = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(os.path.join(ROOT, "ui/dist")) for f in fs)
    commit = run("git", "-C", ROOT, "rev-parse", "--short", "HEAD").strip()

    met = deb_size <= AIM_BYTES
    lines = [
        "## Package size (issue 16)",
        "",
        f"Release `.deb` from commit {commit} (`make deb`, `[profile.release]`: `strip = true`, "
        "`codegen-units = 1`, `lto = \"thin\"`, `opt-level = 3`, `panic = \"unwind\"`), measured with "
        "`tests/package/size-report.py`.",
        "",
        "| | now | before (not re-measured in this run) |",
        "| --- | --- | --- |",
        f"| `.deb` | **{mib(deb_size)}** | 30.2 MiB |",
        f"| `/usr/bin/tchap-desktop` | {mib(binary_size)} | 91 MB |",
        f"| installed (all files) | {mib(installed)} | |",
        f"| the binary, xz -6 (Tauri compresses with gzip) | {mib(xz_binary)} | |",
        "",
        f"Aim ≤ 20 MB for the `.deb`: **{'met' if met else 'NOT met'}** ({deb_size / AIM_BYTES:.2f}× the aim). "
        f"Before: {BEFORE}; that build was not repeated here (an hour on this machine), the figures are the issue's.",
        "",
        "What the binary's loaded sections hold:",
        "",
        "| section | size | what |",
        "| --- | --- | --- |",
    ]
    meaning = {
        ".text": "machine code",
        ".rodata": "constants, strings, and the UI's files embedded by Tauri (compressed)",
        ".eh_frame": "unwind tables (kept: `catch_unwind` is used, `panic = \"unwind\"`)",
        ".eh_frame_hdr": "unwind table index",
        ".gcc_except_table": "landing pads for unwinding",
        ".data.rel.ro": "vtables and relocated constants",
        ".rela.dyn": "dynamic relocations (position-independent executable)",
    }
    for name, size in loaded[:8]:
        lines.append(f"| `{name}` | {mib(size)} | {meaning.get(name, '')} |")
    lines += ["", f"The UI (`ui/dist`, uncompressed) is {mib(ui)} of that, before Tauri compresses it into the binary."]
    if args.symbols:
        shares = crate_shares(args.symbols)
        total = sum(shares.values())
        lines += [
            "",
            f"Code by crate (top 15), from the symbols of `{os.path.basename(args.symbols)}` (a debug-profile build "
            "of the same code, dependencies at `opt-level = 2`: the release's shares are close, not equal):",
            "",
            "| crate | share of code |",
            "| --- | --- |",
        ]
        for crate, size in shares.most_common(15):
            lines.append(f"| `{crate}` | {100 * size / total:.1f} % |")
    block = "<!-- package-size:start -->\n" + "\n".join(lines) + "\n<!-- package-size:end -->"

    text = open(args.out).read() if os.path.exists(args.out) else ""
    pattern = re.compile(r"<!-- package-size:start -->.*?<!-- package-size:end -->", re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + block + "\n"
    open(args.out, "w").write(text)
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
