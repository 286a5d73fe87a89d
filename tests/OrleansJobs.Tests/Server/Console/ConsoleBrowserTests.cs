using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Server.JobsConsole;

/// <summary>
/// The jobs console in a real Chromium against the real silo host: each test drives the page as an operator would and
/// checks the outcome through the HTTP API. A screenshot of each page is kept under artifacts/console-screenshots.
/// </summary>
[Trait("Kind", "Browser")]
[Collection(typeof(SiloHostCollection))]
public sealed class ConsoleBrowserTests(SiloHostFixture silo) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private IPage _page = null!;

    private HttpClient Http => silo.Http;

    public async ValueTask InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Headless = true });
        _page = await _browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        _page.SetDefaultTimeout((float)Patience.TotalMilliseconds);
        Assertions.SetDefaultExpectTimeout((float)Patience.TotalMilliseconds);
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }

    private Task OpenAsync(string path) => _page.GotoAsync(new Uri(silo.BaseAddress, "/console/" + path).ToString());

    [Fact]
    public async Task Jobs_page_lists_newest_first_filters_by_queue_and_status_and_finds_a_job_by_id()
    {
        var queue = "console-list-" + Guid.NewGuid().ToString("N")[..8];
        var older = await Http.SubmitAsync($$"""{"type":"noop","queue":"{{queue}}"}""");
        var failed = await Http.SubmitAsync($$"""{"type":"delay","queue":"{{queue}}","payload":{"duration":"00:00:00","failAttempts":1},"maxAttempts":1}""");
        await Http.WaitForStatusAsync(failed, "Failed");
        await Http.WaitUntilFinishedAsync(older);

        await OpenAsync("jobs");
        await _page.GetByLabel("Queue").FillAsync(queue);
        await _page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Assertions.Expect(_page).ToHaveURLAsync(new Regex($"/console/jobs\\?queue={queue}$"));
        var rows = _page.Locator("tbody#rows tr[data-job]");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        Assert.Equal(failed, await rows.Nth(0).GetAttributeAsync("data-job")); // newest first
        await Screenshot("jobs");

        await _page.GetByLabel("Status").SelectOptionAsync("Failed");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-job", failed);

        // A bookmarked search opens on its result.
        await OpenAsync($"jobs?search={older}");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-job", older);
    }

    [Fact]
    public async Task Job_page_shows_a_running_delay_job_advance_and_succeed_without_reloading()
    {
        var id = await Http.SubmitAsync("""{"type":"delay","payload":{"duration":"00:00:06","steps":6}}""");
        await Http.WaitForStatusAsync(id, "Running");

        await OpenAsync($"jobs/{id}"); // a deep link serves the console
        var bar = _page.GetByRole(AriaRole.Progressbar);
        await Assertions.Expect(bar).ToHaveAttributeAsync("aria-valuenow", new Regex("^[1-9][0-9]?$"));
        var first = int.Parse(await bar.GetAttributeAsync("aria-valuenow") ?? "0");
        await Screenshot("job-running");
        var loads = 0;
        _page.Load += (_, _) => loads++;

        await Assertions.Expect(_page.Locator("#status")).ToHaveTextAsync("Succeeded");
        await Assertions.Expect(bar).ToHaveAttributeAsync("aria-valuenow", "100");
        Assert.True(first < 100);
        Assert.Equal(0, loads);
        await Screenshot("job");
    }

    [Fact]
    public async Task Cancel_button_cancels_a_running_job()
    {
        var id = await Http.SubmitAsync("""{"type":"delay","payload":{"duration":"00:01:00","steps":60}}""");
        await Http.WaitForStatusAsync(id, "Running");

        await OpenAsync($"jobs/{id}");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await Assertions.Expect(_page.Locator("#status")).ToHaveTextAsync("Cancelled");
        Assert.Equal("Cancelled", JobApi.Status(await Http.GetJobAsync(id)));
    }

    [Fact]
    public async Task Retry_button_runs_a_failed_job_again()
    {
        var id = await Http.SubmitAsync("""{"type":"delay","payload":{"duration":"00:00:00","failAttempts":1},"maxAttempts":1}""");
        await Http.WaitForStatusAsync(id, "Failed");

        await OpenAsync($"jobs/{id}");
        await Assertions.Expect(_page.Locator("#error")).ToContainTextAsync("fails on purpose");
        await Screenshot("job-failed");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();

        // The second attempt is past failAttempts: it succeeds.
        await Http.WaitForStatusAsync(id, "Succeeded");
        await Assertions.Expect(_page.Locator("#status")).ToHaveTextAsync("Succeeded");
    }

    [Fact]
    public async Task Failed_view_retries_the_selected_jobs()
    {
        var queue = "console-bulk-" + Guid.NewGuid().ToString("N")[..8];
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
            ids.Add(await Http.SubmitAsync($$"""{"type":"delay","queue":"{{queue}}","payload":{"duration":"00:00:00","failAttempts":1},"maxAttempts":1}"""));
        foreach (var id in ids) await Http.WaitForStatusAsync(id, "Failed");

        await OpenAsync($"jobs?status=Failed&queue={queue}");
        await Assertions.Expect(_page.Locator("tbody#rows tr[data-job]")).ToHaveCountAsync(3);
        await _page.GetByLabel($"Select job {ids[0]}").CheckAsync();
        await _page.GetByLabel($"Select job {ids[2]}").CheckAsync();
        await Screenshot("failed");
        await _page.GetByRole(AriaRole.Button, new() { Name = "Retry selected" }).ClickAsync();

        await Http.WaitForStatusAsync(ids[0], "Succeeded");
        await Http.WaitForStatusAsync(ids[2], "Succeeded");
        Assert.Equal("Failed", JobApi.Status(await Http.GetJobAsync(ids[1])));
        await Assertions.Expect(_page.Locator("tbody#rows tr[data-job]")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task Queues_page_pauses_and_resumes_a_queue()
    {
        var queue = "console-queue-" + Guid.NewGuid().ToString("N")[..8];
        await Http.WaitUntilFinishedAsync(await Http.SubmitAsync($$"""{"type":"noop","queue":"{{queue}}"}"""));

        await OpenAsync("queues");
        var row = _page.Locator($"tr[data-queue='{queue}']");
        await _page.GetByRole(AriaRole.Button, new() { Name = $"Pause queue {queue}" }).ClickAsync();
        await Assertions.Expect(row.Locator("td.state")).ToHaveTextAsync("Paused");
        var (_, described) = await Http.GetJsonAsync($"/api/queues/{queue}");
        Assert.True(described.GetProperty("paused").GetBoolean());
        await Screenshot("queues");

        await _page.GetByRole(AriaRole.Button, new() { Name = $"Resume queue {queue}" }).ClickAsync();
        await Assertions.Expect(row.Locator("td.state")).ToHaveTextAsync("Active");
    }

    private async Task Screenshot(string name)
    {
        var folder = Path.Combine(RepositoryRoot(), "artifacts", "console-screenshots");
        Directory.CreateDirectory(folder);
        await _page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "OrleansJobs.sln"))) return dir.FullName;
        return AppContext.BaseDirectory;
    }
}
