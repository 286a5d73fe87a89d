using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace OrleansJobs.Bench.Compare;

/// <summary>
/// The silo as <c>dotnet publish</c> makes it for a runtime identifier (the Dockerfile's way), for W1-cold: published
/// from the repository this driver was built in, into a folder of the temporary directory, with its own intermediate
/// files (<c>--artifacts-path</c>) so that the repository's build is left as it was.
/// </summary>
public static class SiloPublish
{
    /// <summary>
    /// Publishes the silo with ReadyToRun images (the silo's project turns them on for a runtime identifier) and returns
    /// its assembly. <paramref name="ownAssembliesOnly"/> (the smoke run) compiles OrleansJobs' own assemblies alone,
    /// through <c>OwnAssembliesReadyToRun.targets</c>, and leaves the packages' assemblies as IL.
    /// </summary>
    public static async Task<string> ReadyToRunAsync(bool ownAssembliesOnly, CancellationToken cancellationToken)
    {
        var root = RepositoryRoot();
        var project = Path.Combine(root, "src", "Silo", "OrleansJobs.Silo.csproj");
        // One folder per checkout: two clones on one machine do not publish over each other.
        var checkout = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(root)))[..12];
        var scratch = Path.Combine(Path.GetTempPath(), $"orleansjobs-bench-publish-{checkout}");
        var output = Path.Combine(scratch, "silo-r2r");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[]
                 {
                     "publish", project, "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "--self-contained", "false",
                     "-p:PublishReadyToRun=true", "--artifacts-path", Path.Combine(scratch, "artifacts"), "-o", output, "-nologo",
                 })
            start.ArgumentList.Add(arg);
        if (ownAssembliesOnly)
            start.ArgumentList.Add($"-p:CustomAfterMicrosoftCommonTargets={Path.Combine(root, "bench", "Compare", "OwnAssembliesReadyToRun.targets")}");

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet publish did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"dotnet publish of the ReadyToRun silo failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
        var assembly = Path.Combine(output, "OrleansJobs.Silo.dll");
        if (!File.Exists(assembly)) throw new FileNotFoundException("dotnet publish left no silo assembly.", assembly);
        Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] ReadyToRun silo published in {clock.Elapsed.TotalSeconds:N0} s" +
            (ownAssembliesOnly ? " (OrleansJobs' own assemblies only: a smoke run)" : ""));
        return assembly;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "OrleansJobs.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("W1-cold publishes the silo from the repository this driver was built in, and found none above it.");
    }
}
