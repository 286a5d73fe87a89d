namespace OrleansJobs.Tests.Infrastructure;

/// <summary>How to start a <see cref="SiloProcess"/> beyond its defaults.</summary>
public sealed record SiloProcessOptions
{
    /// <summary>
    /// The application to start, beside the test assembly: the standalone silo, or <see cref="TestApp"/>, a user's app
    /// that hosts OrleansJobs through the library (the same standard arguments apply to both).
    /// </summary>
    public string Assembly { get; init; } = Silo;

    public const string Silo = "OrleansJobs.Silo.dll";
    public const string TestApp = "OrleansJobs.TestApp.dll";

    /// <summary>
    /// Where the app maps the job service, as a relative path ending in '/' (<c>jobs/</c>), for an app that maps it under
    /// a prefix: <see cref="SiloProcess.Http"/> and the readiness probe use it. Empty for the standalone silo.
    /// </summary>
    public string PathPrefix { get; init; } = "";

    /// <summary>Appended after the standard arguments, so a repeated key wins: <c>--ConnectionStrings:OrleansJobs=…</c>.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>Environment variables for the silo; a null value removes one inherited from the test process.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// The embedded database folder. Null gives a fresh one inside the silo's temporary working folder, deleted
    /// with it; pass a folder of your own to start a second silo on the first one's data.
    /// </summary>
    public string? DataDirectory { get; init; }

    /// <summary>
    /// False starts the silo as an operator might, from a folder of its own with no <c>--contentRoot</c>: its content
    /// root is then that (empty) working folder rather than the folder of its binary and settings.
    /// </summary>
    public bool ContentRootBesideSilo { get; init; } = true;
}
