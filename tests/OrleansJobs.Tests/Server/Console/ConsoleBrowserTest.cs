using Microsoft.Playwright;

namespace OrleansJobs.Tests.Server.JobsConsole;

/// <summary>A console test's browser: Chromium on one page per test, opening paths of the console served at <see cref="Site"/>.</summary>
public abstract class ConsoleBrowserTest : IAsyncLifetime
{
    private ConsoleBrowser? _browser;

    /// <summary>Where the silo under test serves HTTP.</summary>
    protected abstract Uri Site { get; }

    protected IPage Page => _browser!.Page;

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    public virtual async ValueTask InitializeAsync() => _browser = await ConsoleBrowser.LaunchAsync();

    public virtual async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected Task OpenAsync(string path) => Page.GotoAsync(new Uri(Site, "/console/" + path).ToString());

    protected Task Screenshot(string name, string? readmeImage = null) => _browser!.ScreenshotAsync(name, readmeImage);
}
