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
public sealed partial class ConsoleBrowserTests(SiloHostFixture silo) : ConsoleBrowserTest
{
    protected override Uri Site => silo.BaseAddress;

    private HttpClient Http => silo.Http;

    [Fact]
    public async Task Jobs_page_lists_newest_first_filters_by_queue_and_status_and_finds_a_job_by_id()
    {
        var queue = "console-list-" + Guid.NewGuid().ToString("N")[..8];
        var older = await Http.SubmitAsync($$"""{"type":"noop","queue":"{{queue}}"}""");
        var failed = await Http.SubmitAsync($$"""{"type":"delay","queue":"{{queue}}","payload":{"duration":"00:00:00","failAttempts":1},"maxAttempts":1}""");
        await Http.WaitForStatusAsync(failed, "Failed");
        await Http.WaitUntilFinishedAsync(older);

        await OpenAsync("jobs");
        await Page.GetByLabel("Queue").FillAsync(queue);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Assertions.Expect(Page).ToHaveURLAsync(new Regex($"/console/jobs\\?queue={queue}$"));
        var rows = Page.Locator("tbody#rows tr[data-job]");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        Assert.Equal(failed, await rows.Nth(0).GetAttributeAsync("data-job")); // newest first
        await Screenshot("jobs", "console-jobs.png");

        await Page.GetByLabel("Status").SelectOptionAsync("Failed");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-job", failed);

        // A bookmarked search opens on its result.
        await OpenAsync($"jobs?search={older}");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-job", older);
    }

    [Fact]
    public async Task Search_by_correlation_id_lists_the_jobs_that_share_it_and_a_job_links_to_them()
    {
        var correlation = "order-" + Guid.NewGuid().ToString("N")[..8];
        var first = await Http.SubmitAsync($$"""{"type":"noop","correlationId":"{{correlation}}"}""");
        var second = await Http.SubmitAsync($$"""{"type":"noop","queue":"console-search","correlationId":"{{correlation}}"}""");
        await Http.SubmitAsync($$"""{"type":"noop","correlationId":"{{correlation}}-other"}""");
        var (listed, body) = await Http.GetJsonAsync($"/api/jobs?search={correlation}");
        Assert.Equal(System.Net.HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal([second, first], body.GetProperty("items").EnumerateArray().Select(job => job.GetProperty("id").GetString()));

        await OpenAsync("jobs");
        await Page.GetByLabel("Search").FillAsync(correlation);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        var rows = Page.Locator("tbody#rows tr[data-job]");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        Assert.Equal(second, await rows.Nth(0).GetAttributeAsync("data-job"));
        Assert.Equal(first, await rows.Nth(1).GetAttributeAsync("data-job"));
        await Screenshot("search");

        // From a job, its correlation id opens the same search.
        await Page.GetByRole(AriaRole.Link, new() { Name = first }).ClickAsync();
        await Page.GetByRole(AriaRole.Link, new() { Name = correlation, Exact = true }).ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(2);
    }

    [Fact]
    public async Task Job_page_shows_a_running_delay_job_advance_and_succeed_without_reloading()
    {
        var id = await Http.SubmitAsync("""{"type":"delay","payload":{"duration":"00:00:06","steps":6}}""");
        await Http.WaitForStatusAsync(id, "Running");

        await OpenAsync($"jobs/{id}"); // a deep link serves the console
        var bar = Page.GetByRole(AriaRole.Progressbar);
        await Assertions.Expect(bar).ToHaveAttributeAsync("aria-valuenow", new Regex("^[1-9][0-9]?$"));
        var first = int.Parse(await bar.GetAttributeAsync("aria-valuenow") ?? "0");
        await Screenshot("job-running", "console-job.png");
        var loads = 0;
        Page.Load += (_, _) => loads++;

        await Assertions.Expect(Page.Locator("#status")).ToHaveTextAsync("Succeeded");
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
        await Page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await Assertions.Expect(Page.Locator("#status")).ToHaveTextAsync("Cancelled");
        Assert.Equal("Cancelled", JobApi.Status(await Http.GetJobAsync(id)));
    }

    [Fact]
    public async Task Retry_button_runs_a_failed_job_again()
    {
        var id = await Http.SubmitAsync("""{"type":"delay","payload":{"duration":"00:00:00","failAttempts":1},"maxAttempts":1}""");
        await Http.WaitForStatusAsync(id, "Failed");

        await OpenAsync($"jobs/{id}");
        await Assertions.Expect(Page.Locator("#error")).ToContainTextAsync("fails on purpose");
        await Screenshot("job-failed");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();

        // The second attempt is past failAttempts: it succeeds.
        await Http.WaitForStatusAsync(id, "Succeeded");
        await Assertions.Expect(Page.Locator("#status")).ToHaveTextAsync("Succeeded");
        // Both attempts on the timeline, each with how late it started after it was due, and the silo that ran it.
        var attempts = Page.Locator("#attempts tbody tr");
        await Assertions.Expect(attempts).ToHaveCountAsync(2);
        await Assertions.Expect(attempts.Nth(0).Locator("td.late")).ToHaveTextAsync(new Regex(@"^\d+(\.\d)? (ms|s|min)$"));
        await Assertions.Expect(attempts.Nth(1)).ToContainTextAsync("Succeeded");
    }

    [Fact]
    public async Task Failed_view_retries_the_selected_jobs()
    {
        var ids = await OpenFailedViewOfThreeAsync("console-bulk-");
        await Page.GetByLabel($"Select job {ids[0]}").CheckAsync();
        await Page.GetByLabel($"Select job {ids[2]}").CheckAsync();
        await Screenshot("failed");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Retry selected" }).ClickAsync();

        await Http.WaitForStatusAsync(ids[0], "Succeeded");
        await Http.WaitForStatusAsync(ids[2], "Succeeded");
        Assert.Equal("Failed", JobApi.Status(await Http.GetJobAsync(ids[1])));
        await Assertions.Expect(Page.Locator("tbody#rows tr[data-job]")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task Failed_view_deletes_the_selected_jobs_once_confirmed()
    {
        var ids = await OpenFailedViewOfThreeAsync("console-delete-");
        var rows = Page.Locator("tbody#rows tr[data-job]");
        await Page.GetByLabel($"Select job {ids[0]}").CheckAsync();
        await Page.GetByLabel($"Select job {ids[1]}").CheckAsync();

        // Dismissed, the confirmation deletes nothing; accepted, it deletes the two selected.
        var asked = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Dismiss(object? _, IDialog dialog) { asked.TrySetResult(dialog.Message); _ = dialog.DismissAsync(); }
        Page.Dialog += Dismiss;
        await Page.GetByRole(AriaRole.Button, new() { Name = "Delete selected" }).ClickAsync();
        Assert.Contains("Delete 2 failed job(s)?", await asked.Task.WaitAsync(ConsoleBrowser.Patience, TestContext.Current.CancellationToken));
        Page.Dialog -= Dismiss;
        Assert.Equal("Failed", JobApi.Status(await Http.GetJobAsync(ids[0])));

        Page.Dialog += (_, dialog) => _ = dialog.AcceptAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Delete selected" }).ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-job", ids[2]);
        foreach (var id in ids.Take(2))
        {
            using var gone = await Http.GetAsync($"/api/jobs/{id}", TestContext.Current.CancellationToken);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, gone.StatusCode);
        }

        // The API keeps what is not failed, and says so.
        var running = await Http.SubmitAsync("""{"type":"delay","payload":{"duration":"00:00:30"}}""");
        var (answer, body) = await Http.PostJsonAsync("/api/jobs/delete", $$"""{"ids":["{{ids[2]}}","{{running}}"]}""");
        Assert.Equal(System.Net.HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal([ids[2]], body.GetProperty("deleted").EnumerateArray().Select(id => id.GetString()));
        Assert.Equal([running], body.GetProperty("kept").EnumerateArray().Select(id => id.GetString()));
        var (refused, problem) = await Http.PostJsonAsync("/api/jobs/delete", """{"ids":[]}""");
        JobApi.AssertFieldError(refused, problem, "ids");
        (await Http.PostJsonAsync($"/api/jobs/{running}/cancel", "")).Response.Dispose();
    }

    [Fact]
    public async Task Overview_draws_jobs_by_status_and_queue_and_counts_the_silos_alive()
    {
        var queue = "console-overview-" + Guid.NewGuid().ToString("N")[..8];
        var ids = new List<string>();
        for (var i = 0; i < 2; i++)
            ids.Add(await Http.SubmitAsync($$"""{"type":"delay","queue":"{{queue}}","payload":{"duration":"00:00:00","failAttempts":1},"maxAttempts":1}"""));
        foreach (var id in ids) await Http.WaitForStatusAsync(id, "Failed");

        await OpenAsync(""); // the console opens on the overview
        await Assertions.Expect(Page.Locator($"g[data-queue-bar='{queue}']"))
            .ToHaveAttributeAsync("aria-label", $"{queue}: 0 queued, 0 running, 0 scheduled, 2 failed");
        await Assertions.Expect(Page.Locator("#silo-count")).ToHaveTextAsync("1");
        await Assertions.Expect(Page.Locator("#silos li")).ToContainTextAsync("Active");
        Assert.True(double.Parse(await Page.Locator("rect[data-status='failed']").GetAttributeAsync("width") ?? "0",
            System.Globalization.CultureInfo.InvariantCulture) > 0);
        await Screenshot("overview");

        await Page.Locator($"g[data-queue-bar='{queue}'] a").ClickAsync();
        await Assertions.Expect(Page).ToHaveURLAsync(new Regex($"/console/jobs\\?queue={queue}$"));
        await Assertions.Expect(Page.Locator("tbody#rows tr[data-job]")).ToHaveCountAsync(2);
    }

    [Fact]
    public async Task Queues_page_pauses_and_resumes_a_queue()
    {
        var queue = "console-queue-" + Guid.NewGuid().ToString("N")[..8];
        await Http.WaitUntilFinishedAsync(await Http.SubmitAsync($$"""{"type":"noop","queue":"{{queue}}"}"""));

        await OpenAsync("queues");
        var row = Page.Locator($"tr[data-queue='{queue}']");
        await Page.GetByRole(AriaRole.Button, new() { Name = $"Pause queue {queue}" }).ClickAsync();
        await Assertions.Expect(row.Locator("td.state")).ToHaveTextAsync("Paused");
        var (_, described) = await Http.GetJsonAsync($"/api/queues/{queue}");
        Assert.True(described.GetProperty("paused").GetBoolean());
        await Screenshot("queues");

        await Page.GetByRole(AriaRole.Button, new() { Name = $"Resume queue {queue}" }).ClickAsync();
        await Assertions.Expect(row.Locator("td.state")).ToHaveTextAsync("Active");
    }

    // Three jobs that failed in a queue of their own, and the failed view of that queue showing them.
    private async Task<List<string>> OpenFailedViewOfThreeAsync(string queuePrefix)
    {
        var queue = queuePrefix + Guid.NewGuid().ToString("N")[..8];
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
            ids.Add(await Http.SubmitAsync($$"""{"type":"delay","queue":"{{queue}}","payload":{"duration":"00:00:00","failAttempts":1},"maxAttempts":1}"""));
        foreach (var id in ids) await Http.WaitForStatusAsync(id, "Failed");

        await OpenAsync($"jobs?status=Failed&queue={queue}");
        await Assertions.Expect(Page.Locator("tbody#rows tr[data-job]")).ToHaveCountAsync(3);
        return ids;
    }
}
