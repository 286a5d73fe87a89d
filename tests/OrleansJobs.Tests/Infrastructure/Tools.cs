using System.ComponentModel;
using System.Diagnostics;

namespace OrleansJobs.Tests.Infrastructure;

/// <summary>The repository around the tests, and the command-line tools some tests run in it.</summary>
public static class Tools
{
    /// <summary>The repository root: the folder of <c>OrleansJobs.sln</c> above the test assembly.</summary>
    public static readonly string RepositoryRoot = FindRoot();

    /// <summary>
    /// Runs <paramref name="file"/> in <paramref name="workingDirectory"/> and returns its exit code and output. A tool
    /// that is not installed fails the test with <paramref name="whenMissing"/>: such tests never skip. <paramref name="environment"/>
    /// sets (or, with null, removes) variables of the tool's environment.
    /// </summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(
        string file, string workingDirectory, IEnumerable<string> args, string whenMissing, TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>()) start.Environment[name] = value;
        foreach (var arg in args) start.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception ex)
        {
            throw new InvalidOperationException($"'{file}' could not be started: {whenMissing}", ex);
        }

        using (process)
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken))
        {
            stop.CancelAfter(timeout);
            var output = process.StandardOutput.ReadToEndAsync(stop.Token);
            var error = process.StandardError.ReadToEndAsync(stop.Token);
            try
            {
                await process.WaitForExitAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} did not finish within {timeout}.");
            }
            return (process.ExitCode, await output, await error);
        }
    }

    /// <summary>
    /// An assembly of the repository's own, built in the tests' configuration and framework in its project's
    /// <c>bin</c> (the test project references that project without its assembly, so it is built first):
    /// <paramref name="projectFolder"/> is relative to the root, <c>bench/Compare</c>.
    /// </summary>
    public static string BuiltAssembly(string projectFolder, string assemblyFile)
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (testOutput.Name, testOutput.Parent!.Name);
        var path = Path.Combine(RepositoryRoot, projectFolder, "bin", configuration, framework, assemblyFile);
        Assert.True(File.Exists(path), $"{assemblyFile} is not built at {path}; build the solution first.");
        return path;
    }

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "OrleansJobs.sln"))) return folder.FullName;
        throw new InvalidOperationException("The repository root (OrleansJobs.sln) is not above the test assembly.");
    }
}
