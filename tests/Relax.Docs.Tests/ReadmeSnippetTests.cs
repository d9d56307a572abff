using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Relax.Models.VGGish;
using Relax.Models.Weights;

namespace Relax.Docs.Tests;

/// <summary>Tests that change the process's current directory and console run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleAndDirectoryGroup
{
    /// <summary>The collection's name.</summary>
    public const string Name = "console and current directory";
}

/// <summary>
/// Every C# snippet of every README — the repository's and each package's — compiles and runs as written, as a user
/// who pastes it into a new console app (top-level statements, the SDK's implicit usings, nullable on) would run it:
/// compiled here with Roslyn against the libraries' assemblies, then run in a fresh folder that holds what the
/// snippets say they read (<c>samples/data/</c> and the exported reference models of <c>tools/reference/models/</c>,
/// copied from the repository). Snippets that need Google's VGGish weights get a checkpoint of the right architecture
/// through <c>$RELAX_VGGISH_WEIGHTS</c>, as their comments say.
/// </summary>
[Collection(ConsoleAndDirectoryGroup.Name)]
public sealed partial class ReadmeSnippetTests(SnippetWeights weights) : IClassFixture<SnippetWeights>
{
    private static readonly string Root = FindRoot();

    /// <summary>Every README with C# snippets, relative to the repository root.</summary>
    public static TheoryData<string, int> Snippets()
    {
        var data = new TheoryData<string, int>();
        foreach (var readme in Readmes())
        {
            int count = CSharpBlock().Count(File.ReadAllText(Path.Combine(Root, readme)));
            for (int k = 0; k < count; k++)
            {
                data.Add(readme, k);
            }
        }
        return data;
    }

    private static IEnumerable<string> Readmes() =>
        new[] { "README.md" }.Concat(Directory.GetFiles(Path.Combine(Root, "src"), "README.md", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(Root, p)).Order(StringComparer.Ordinal));

    [Fact]
    public void Every_library_package_readme_has_a_snippet()
    {
        var without = Directory.GetDirectories(Path.Combine(Root, "src"))
            .Where(d => !d.EndsWith("Relax.Cli", StringComparison.Ordinal))
            .Where(d => !CSharpBlock().IsMatch(File.ReadAllText(Path.Combine(d, "README.md"))))
            .ToList();
        Assert.Empty(without);
    }

    [Theory]
    [MemberData(nameof(Snippets))]
    public async Task The_snippet_compiles_and_runs(string readme, int index)
    {
        var code = CSharpBlock().Matches(File.ReadAllText(Path.Combine(Root, readme)))[index].Groups["code"].Value;
        var assembly = Compile(code, $"{readme}#{index}");
        var folder = Path.Combine(Path.GetTempPath(), "relax-snippet-" + Guid.NewGuid().ToString("N"));
        var previous = Environment.CurrentDirectory;
        var output = new StringWriter();
        var console = Console.Out;
        try
        {
            CopyFolder(Path.Combine(Root, "samples", "data"), Path.Combine(folder, "samples", "data"));
            CopyFolder(Path.Combine(Root, "tools", "reference", "models"), Path.Combine(folder, "tools", "reference", "models"));
            Environment.SetEnvironmentVariable(VGGishWeights.Network.EnvironmentVariable, weights.Path);
            Environment.CurrentDirectory = folder;
            Console.SetOut(output);
            var entry = assembly.EntryPoint ?? throw new InvalidOperationException("no entry point");
            var result = entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
            if (result is Task task)
            {
                await task;
            }
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            Assert.Fail($"{readme}, snippet {index + 1}, threw {e.InnerException.GetType().Name}: {e.InnerException.Message}\n{code}");
        }
        finally
        {
            Console.SetOut(console);
            Environment.CurrentDirectory = previous;
            Environment.SetEnvironmentVariable(VGGishWeights.Network.EnvironmentVariable, null);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, true);
            }
        }
    }

    private static Assembly Compile(string code, string name)
    {
        // What `dotnet new console` gives: implicit usings, nullable, top-level statements.
        var implicitUsings = CSharpSyntaxTree.ParseText(
            "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; " +
            "global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;");
        var snippet = CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(LanguageVersion.Latest), path: name);
        var compilation = CSharpCompilation.Create("Snippet" + Guid.NewGuid().ToString("N"), [implicitUsings, snippet], References.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        Assert.True(emitted.Success, $"{name} does not compile:\n{string.Join('\n', errors)}\n{code}");
        return Assembly.Load(image.ToArray());
    }

    /// <summary>The framework's assemblies and every managed assembly beside the tests (the libraries and their dependencies).</summary>
    private static readonly Lazy<List<MetadataReference>> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(Directory.GetFiles(AppContext.BaseDirectory, "*.dll"))
            .Where(IsManaged)
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(g => (MetadataReference)MetadataReference.CreateFromFile(g.First()))
            .ToList());

    private static bool IsManaged(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new PEReader(stream);
            return reader.HasMetadata && reader.GetMetadataReader().IsAssembly;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Relax.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Relax.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("```csharp\\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}

/// <summary>A checkpoint of VGGish's architecture (random weights, about 290 MB) for the snippets that load Google's
/// weights, written once for all snippets and deleted afterwards.</summary>
public sealed class SnippetWeights : IDisposable
{
    private readonly string _folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "relax-snippet-weights-" + Guid.NewGuid().ToString("N"));

    /// <summary>Writes the checkpoint.</summary>
    public SnippetWeights()
    {
        Directory.CreateDirectory(_folder);
        Path = System.IO.Path.Combine(_folder, "vggish-test-weights.pth");
        using var network = new VGGishNetwork();
        StateDictFile.Save(Path, network.state_dict(), StateDictFormat.PyTorch);
    }

    /// <summary>The checkpoint's path.</summary>
    public string Path { get; }

    /// <summary>Deletes it.</summary>
    public void Dispose() => Directory.Delete(_folder, true);
}
