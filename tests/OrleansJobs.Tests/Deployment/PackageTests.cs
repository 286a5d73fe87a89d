using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Deployment;

/// <summary>
/// The packages an app references: <c>dotnet pack</c> of the solution gives OrleansJobs.Server, .Client, .Grains and
/// .Grains.Abstractions (and nothing else), each with its assembly, its XML documentation and a README, and the server
/// package depends on the others at the same version.
/// </summary>
[Trait("Kind", "Process")]
public sealed class PackageTests
{
    private static readonly string[] Packages = ["OrleansJobs.Server", "OrleansJobs.Client", "OrleansJobs.Grains", "OrleansJobs.Grains.Abstractions"];

    [Fact]
    public async Task Packing_the_solution_gives_the_four_library_packages_with_docs_and_readme()
    {
        var output = Directory.CreateTempSubdirectory("orleansjobs-packages-").FullName;
        try
        {
#if DEBUG
            const string configuration = "Debug";
#else
            const string configuration = "Release";
#endif
            var (exitCode, stdout, stderr) = await Tools.RunAsync("dotnet", Tools.RepositoryRoot,
                ["pack", "OrleansJobs.sln", "-c", configuration, "--no-build", "-o", output],
                "the .NET SDK's dotnet command is needed", TimeSpan.FromMinutes(5));
            Assert.True(exitCode == 0, $"dotnet pack failed ({exitCode}):\n{stdout}\n{stderr}");

            // id.major.minor.patch[-suffix].nupkg: the ids alone, nothing else packed.
            var ids = Directory.GetFiles(output, "*.nupkg")
                .Select(f => Regex.Match(Path.GetFileName(f), @"^(?<id>.+?)\.\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?\.nupkg$").Groups["id"].Value);
            Assert.Equal(Packages.Order(), ids.Order());

            foreach (var id in Packages)
            {
                var path = Directory.GetFiles(output, $"{id}.*.nupkg").Single(f => char.IsDigit(Path.GetFileName(f)[id.Length + 1])); // not OrleansJobs.Grains.Abstractions for .Grains
                using var package = ZipFile.OpenRead(path);
                var entries = package.Entries.Select(e => e.FullName).ToHashSet();
                Assert.Contains("README.md", entries);
                Assert.Contains($"lib/net10.0/{id}.dll", entries);
                Assert.Contains($"lib/net10.0/{id}.xml", entries);

                var nuspec = XDocument.Load(package.GetEntry($"{id}.nuspec")!.Open());
                var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
                Assert.Equal("README.md", metadata.Elements().Single(e => e.Name.LocalName == "readme").Value);
                Assert.False(string.IsNullOrWhiteSpace(metadata.Elements().Single(e => e.Name.LocalName == "description").Value));
                if (id != "OrleansJobs.Server") continue;

                var version = metadata.Elements().Single(e => e.Name.LocalName == "version").Value;
                var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency")
                    .ToDictionary(e => e.Attribute("id")!.Value, e => e.Attribute("version")!.Value);
                Assert.Equal(version, dependencies["OrleansJobs.Grains"]);
                Assert.Equal(version, dependencies["OrleansJobs.Client"]);
            }
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
