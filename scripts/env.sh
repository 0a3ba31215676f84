# Shared settings for the build, test and benchmark scripts. Source it: `. scripts/env.sh`.
export SWIFTLAM_MODELS="${SWIFTLAM_MODELS:-$HOME/.cache/swiftlam/models}"
export SWIFTLAM_VENV="${SWIFTLAM_VENV:-$HOME/.cache/swiftlam/venv}"
export PATH="/opt/swift/usr/bin:$PATH"

# Release builds are tuned for the CPU they run on. The x86 intrinsic kernels need both the native target
# CPU and AVX-512 VNNI; everywhere else the portable SIMD kernels are compiled.
SWIFT_RELEASE_FLAGS=(-c release -Xswiftc -target-cpu -Xswiftc native)
if [[ "$(uname -m)" == "x86_64" ]] && grep -qw avx512_vnni /proc/cpuinfo 2>/dev/null \
   && grep -qw avx512bw /proc/cpuinfo 2>/dev/null; then
  SWIFT_RELEASE_FLAGS+=(-Xswiftc -DSWIFTLAM_X86_NATIVE)
fi
