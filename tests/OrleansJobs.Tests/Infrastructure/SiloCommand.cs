namespace OrleansJobs.Tests.Infrastructure;

/// <summary>Runs one of the silo's commands (<c>keys</c>, <c>migrate</c>) as an operator does: the built silo, a process of its own.</summary>
public static class SiloCommand
{
    /// <summary>Runs the silo with <paramref name="args"/>; returns its exit code and what it wrote (output, then errors).</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var (exitCode, output, error) = await Tools.RunAsync(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", AppContext.BaseDirectory,
            [Path.Combine(AppContext.BaseDirectory, SiloProcessOptions.Silo), .. args, $"--contentRoot={AppContext.BaseDirectory}"],
            "the dotnet host runs the silo's command", TimeSpan.FromMinutes(2));
        return (exitCode, output + error);
    }

    /// <summary>The secret a successful <c>keys add</c> printed: its last line.</summary>
    public static string SecretOf(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last();
}
