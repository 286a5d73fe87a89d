using Microsoft.Playwright;

namespace OrleansJobs.Tests.Server.JobsConsole;

/// <summary>
/// Debian's Chromium driven by Playwright, one page, for the console's browser tests. Every screenshot goes to
/// artifacts/console-screenshots; with <see cref="UpdateVariable"/>=1 the ones the README shows are written into
/// docs/images as well.
/// </summary>
public sealed class ConsoleBrowser : IAsyncDisposable
{
    /// <summary>Set to 1 to refresh the README's screenshots from a test run.</summary>
    public const string UpdateVariable = "ORLEANSJOBS_UPDATE_SCREENSHOTS";

    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private ConsoleBrowser(IPlaywright playwright, IBrowser browser, IPage page) => (_playwright, _browser, Page) = (playwright, browser, page);

    public IPage Page { get; }

    public static async Task<ConsoleBrowser> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        page.SetDefaultTimeout((float)Patience.TotalMilliseconds);
        Assertions.SetDefaultExpectTimeout((float)Patience.TotalMilliseconds);
        return new ConsoleBrowser(playwright, browser, page);
    }

    /// <summary>Keeps a screenshot of the page as a test artifact; <paramref name="readmeImage"/> names its copy in docs/images.</summary>
    public async Task ScreenshotAsync(string name, string? readmeImage = null)
    {
        var folder = Path.Combine(RepositoryRoot(), "artifacts", "console-screenshots");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, name + ".png");
        await Page.ScreenshotAsync(new() { Path = file, FullPage = true });
        if (readmeImage is not null && Environment.GetEnvironmentVariable(UpdateVariable) == "1")
            File.Copy(file, Path.Combine(RepositoryRoot(), "docs", "images", readmeImage), overwrite: true);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "OrleansJobs.sln"))) return dir.FullName;
        return AppContext.BaseDirectory;
    }
}
