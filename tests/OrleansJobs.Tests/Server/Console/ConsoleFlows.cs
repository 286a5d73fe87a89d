using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Server.JobsConsole;

/// <summary>Console flows that run against the embedded silo and against a PostgreSQL cluster alike.</summary>
internal static class ConsoleFlows
{
    /// <summary>A batch of three delay jobs that end well apart (about 1, 12 and 24 seconds in), so its bar has time to be seen between.</summary>
    public static async Task<string> SubmitStaggeredBatchAsync(HttpClient http)
    {
        var (response, batch) = await http.PostJsonAsync("/api/batches", """
            {"jobs":[{"type":"delay","payload":{"duration":"00:00:01"}},{"type":"delay","payload":{"duration":"00:00:12"}},
                     {"type":"delay","payload":{"duration":"00:00:24"}}]}
            """);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return batch.GetProperty("id").GetString()!;
    }

    /// <summary>Opens the batch's page and sees its bar stand part-way (one or two of three finished), then full, without reloading.</summary>
    public static async Task WatchBatchAdvanceAsync(IPage page, Uri site, string batchId)
    {
        await page.GotoAsync(new Uri(site, $"/console/batches/{batchId}").ToString());
        var bar = page.GetByRole(AriaRole.Progressbar, new() { Name = "Members finished" });
        await Assertions.Expect(bar).ToHaveAttributeAsync("aria-valuenow", new Regex("^(33|67)$"));
        await Assertions.Expect(page.Locator("tbody#members tr[data-job]")).ToHaveCountAsync(3);
        var loads = 0;
        page.Load += (_, _) => loads++;

        await Assertions.Expect(bar).ToHaveAttributeAsync("aria-valuenow", "100");
        await Assertions.Expect(page.Locator("#finished")).ToHaveTextAsync("3 of 3 finished");
        await Assertions.Expect(page.Locator("#counts dd[data-status='Succeeded']")).ToHaveTextAsync("3");
        Assert.Equal(0, loads);
    }

    /// <summary>
    /// Opens the overview and finds both charts drawn: a point for every bucket of the rates (some above zero, as jobs
    /// ran in the last minutes) and at least one start-delay point.
    /// </summary>
    public static async Task ExpectChartsAsync(IPage page, Uri site)
    {
        await page.GotoAsync(new Uri(site, "/console/").ToString());
        var submitted = page.Locator("#rates-chart g[data-series='Submitted'] circle");
        await Assertions.Expect(submitted).ToHaveCountAsync(30);
        await Assertions.Expect(page.Locator("#rates-chart g[data-series='Completed'] circle")).ToHaveCountAsync(30);
        Assert.Contains(await Values(submitted), v => v > 0);
        Assert.Contains(await Values(page.Locator("#rates-chart g[data-series='Completed'] circle")), v => v > 0);
        Assert.NotEmpty(await Values(page.Locator("#delay-chart g[data-series='Start delay p99'] circle")));
        Assert.False(string.IsNullOrEmpty(await page.Locator("#rates-chart polyline").First.GetAttributeAsync("points")));
    }

    private static async Task<double[]> Values(ILocator circles) =>
        [.. (await circles.EvaluateAllAsync<string[]>("cs => cs.map(c => c.getAttribute('data-value'))"))
            .Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
}
