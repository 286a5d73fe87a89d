using Microsoft.Playwright;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Samples;

/// <summary>
/// The sample's page in a real Chromium: it starts a long report, and the progress bar's <c>aria-valuenow</c> climbs
/// and the status reaches <c>Succeeded</c> from the hub's events alone, without a reload. A screenshot of the finished
/// page is left in <c>artifacts/</c>.
/// </summary>
[Trait("Kind", "Browser")]
public sealed class MigrateSyncEndpointPageTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact]
    public async Task The_page_shows_a_long_reports_progress_live_until_it_succeeds()
    {
        Assert.True(File.Exists(Chromium), $"this test needs Chromium at {Chromium} (Debian package chromium).");
        await using var app = await MigrateSample.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true });
        var page = await browser.NewPageAsync();
        var navigations = 0;
        page.FrameNavigated += (_, frame) => { if (frame == page.MainFrame) navigations++; };

        await page.GotoAsync($"http://127.0.0.1:{app.HttpPort}/");
        await page.FillAsync("#pages", "12");
        await page.ClickAsync("#start");

        var bar = page.GetByRole(AriaRole.Progressbar);
        var seen = new HashSet<int>();
        await Eventually.Until(async () =>
        {
            seen.Add(int.Parse(await bar.GetAttributeAsync("aria-valuenow") ?? "0", System.Globalization.CultureInfo.InvariantCulture));
            return await page.TextContentAsync("#status") is "Succeeded" or "Failed" or "Cancelled";
        }, TimeSpan.FromMinutes(2), TimeSpan.FromMilliseconds(100), "the page never showed the job ending");

        Directory.CreateDirectory(Path.Combine(Tools.RepositoryRoot, "artifacts"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(Tools.RepositoryRoot, "artifacts", "migrate-sync-endpoint-progress.png"), FullPage = true });
        Assert.Equal("Succeeded", await page.TextContentAsync("#status"));
        Assert.Equal("100", await bar.GetAttributeAsync("aria-valuenow"));
        // Values strictly between 0 and 100 were shown on the way: the bar moved with the job, not only at its end.
        Assert.Contains(seen, value => value is > 0 and < 100);
        Assert.Equal(1, navigations);
    }
}
