#!/usr/bin/env bash
# The packages as a user meets them (run by .ci/run; see docs/packages.md). From the repository root:
#   1. packs the libraries into a local feed, with a version of their own so that no cached copy is reused;
#   2. creates a console app outside the repository that references Relax.Synthetic (and through it Core, Audio,
#      Models.VGGish, Evaluation) by that version from the feed, plus TorchSharp-cpu, as the README says;
#   3. builds and runs the README's C# quick start and checks that maps were written;
#   4. publishes it as one self-extracting file (IncludeNativeLibrariesForSelfExtract) and runs that too;
#   5. runs a console app without a backend package and checks for the one-line message that names it;
#   6. packs the relax tool into artifacts/packages and installs it with the README's config file (into a tool path
#      of its own, not globally), runs it, and checks that no Roslyn assembly came with it.
# Everything it makes lives in one temporary folder, removed at the end (also on failure), with the feed's
# versions in the NuGet cache.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$(mktemp -d /tmp/relax-consumer-XXXXXX)
version="0.1.0-consumer.$(date +%s)"
cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
cleanup() {
  rm -rf "$work" "$root/artifacts/packages"/Relax.Cli*."$version".nupkg
  for p in relax.core relax.audio relax.models relax.models.vggish relax.evaluation relax.hosting relax.runs relax.synthetic relax.plots relax.cli relax.cli.linux-x64; do
    rm -rf "$cache/$p/$version"
  done
}
trap cleanup EXIT
say() { echo "consumer-test: $*"; }

say "packing $version"
for p in Relax.Core Relax.Audio Relax.Models Relax.Models.VGGish Relax.Models.TorchScript Relax.Models.Onnx Relax.Evaluation Relax.Hosting Relax.Runs Relax.Synthetic Relax.Plots; do
  dotnet pack "src/$p" -c Release -o "$work/feed" -p:Version="$version" --nologo -v quiet >/dev/null
done
ls -l "$work/feed" | awk 'NR > 1 { printf "consumer-test:   %-45s %9d bytes\n", $9, $5 }'

write_config() {
  cat > "$1/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="relax-feed" value="$work/feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="relax-feed"><package pattern="Relax.*" /></packageSource>
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
EOF
}

# A console project: its folder, its name, extra properties, then package references as Id=Version.
write_project() {
  local dir=$1 name=$2 properties=$3
  shift 3
  local references=""
  for reference in "$@"; do
    references+="    <PackageReference Include=\"${reference%%=*}\" Version=\"${reference#*=}\" />"$'\n'
  done
  mkdir -p "$dir"
  write_config "$dir"
  cat > "$dir/$name.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
$properties
  </PropertyGroup>
  <ItemGroup>
$references  </ItemGroup>
</Project>
EOF
}

torchsharp=$(sed -n 's/.*PackageVersion Include="TorchSharp-cpu" Version="\([^"]*\)".*/\1/p' Directory.Packages.props)

say "quick start from the packages"
app="$work/quickstart"
write_project "$app" QuickStart "    <RuntimeIdentifier>linux-x64</RuntimeIdentifier>
    <SelfContained>false</SelfContained>" "Relax.Synthetic=$version" "TorchSharp-cpu=$torchsharp"
mkdir -p "$app/samples/data"
cp samples/data/synthetic-bird.wav "$app/samples/data/"
# The README's first C# block, as written.
awk '/^```csharp$/ { inside = 1; next } /^```$/ && inside { exit } inside' README.md > "$app/Program.cs"
test -s "$app/Program.cs"
(cd "$app" && dotnet build -c Release --nologo -v quiet)
(cd "$app" && dotnet "bin/Release/net10.0/linux-x64/QuickStart.dll")
for f in saliency.npy uncertainty.npy mask-weight.npy saliency.csv; do
  test -s "$app/out/$f" || { say "missing out/$f"; exit 1; }
done
say "bin/ with RuntimeIdentifier linux-x64: $(du -sLh "$app/bin/Release/net10.0/linux-x64" | cut -f1)"

say "single-file publish with self-extracting natives"
rm -rf "$app/out"
(cd "$app" && dotnet publish -c Release -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -o "$work/single" --nologo -v quiet)
(cd "$app" && DOTNET_BUNDLE_EXTRACT_BASE_DIR="$work/extract" "$work/single/QuickStart")
test -s "$app/out/saliency.npy" || { say "the single-file app wrote no maps"; exit 1; }
say "single file: $(du -sh "$work/single/QuickStart" | cut -f1)"

say "no backend package: one clear message"
bare="$work/nobackend"
write_project "$bare" NoBackend "" "Relax.Core=$version"
cat > "$bare/Program.cs" <<'EOF'
try
{
    Relax.TorchBackend.EnsureAvailable();
    Console.WriteLine("backend loaded");
}
catch (Relax.TorchBackendMissingException e)
{
    Console.WriteLine(e.Message);
}
EOF
(cd "$bare" && dotnet build -c Release --nologo -v quiet)
message=$(cd "$bare" && dotnet bin/Release/net10.0/NoBackend.dll)
say "without a backend: $message"
case "$message" in
  *"Add one package to the application: TorchSharp-cpu"*) ;;
  *) say "expected the backend message"; exit 1 ;;
esac
say "the relax tool, installed as src/Relax.Cli/README.md says"
dotnet pack src/Relax.Cli -c Release -o artifacts/packages -p:Version="$version" -p:ToolPackageRuntimeIdentifiers=linux-x64 --nologo -v quiet >/dev/null
dotnet tool install Relax.Cli --version "$version" --tool-path "$work/tool" --configfile build/tool-install.nuget.config
"$work/tool/relax" synth bird --seconds 1 -o "$work/tool-bird.wav"
"$work/tool/relax" explain "$work/tool-bird.wav" --count 32 -o "$work/tool-out" 2>/dev/null | tail -n 1
test -s "$work/tool-out/index.csv" || { say "the installed tool wrote no index.csv"; exit 1; }
# Exported models through the installed tool: ONNX Runtime's native library and TorchScript load where the tool is.
for model in logmel-cnn.onnx logmel-cnn.pt; do
  "$work/tool/relax" explain "$work/tool-bird.wav" --count 32 --model "tools/reference/models/$model" -o "$work/tool-$model" 2>/dev/null | tail -n 1
  test -s "$work/tool-$model/index.csv" || { say "the installed tool did not explain with $model"; exit 1; }
done
# Orleans lists Roslyn as a runtime dependency; the tool leaves it out (build/NoRoslynAtRuntime.props).
leaked=$(find "$work/tool" -name 'Microsoft.CodeAnalysis*.dll' -o -name 'System.Composition*.dll' -o -name 'Humanizer.dll' | head -n 5)
if [ -n "$leaked" ]; then say "the installed tool carries Roslyn: $leaked"; exit 1; fi
say "installed tool: $(du -sh "$work/tool" | cut -f1), no Roslyn in it"
say "passed"
