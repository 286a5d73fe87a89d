using System.Text.RegularExpressions;
using Microsoft.Playwright;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Server.JobsConsole;

/// <summary>Labels in the console: the jobs page's Label filter, and a job's labels linking to the jobs that share them.</summary>
public sealed partial class ConsoleBrowserTests
{
    [Fact]
    public async Task Label_filter_lists_the_jobs_with_that_label_and_a_jobs_labels_link_to_theirs()
    {
        var customer = "customer-" + Guid.NewGuid().ToString("N")[..8];
        var run = "run:" + Guid.NewGuid().ToString("N")[..8];
        var first = await Http.SubmitAsync($$"""{"type":"noop","labels":["{{customer}}","{{run}}"]}""");
        var second = await Http.SubmitAsync($$"""{"type":"noop","labels":["{{customer}}"]}""");
        var other = await Http.SubmitAsync($$"""{"type":"noop","labels":["{{run}}"]}""");

        await OpenAsync("jobs");
        await Page.GetByLabel("Label", new() { Exact = true }).FillAsync(customer);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Assertions.Expect(Page).ToHaveURLAsync(new Regex($"/console/jobs\\?label={customer}$"));
        var rows = Page.Locator("tbody#rows tr[data-job]");
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        Assert.Equal(second, await rows.Nth(0).GetAttributeAsync("data-job"));
        Assert.Equal(first, await rows.Nth(1).GetAttributeAsync("data-job"));
        await Screenshot("jobs-by-label");

        // The first job's other label opens the list of the jobs that carry it.
        await Page.GetByRole(AriaRole.Link, new() { Name = first }).ClickAsync();
        await Page.GetByRole(AriaRole.Link, new() { Name = run, Exact = true }).ClickAsync();
        await Assertions.Expect(Page).ToHaveURLAsync(new Regex($"/console/jobs\\?label={Regex.Escape(Uri.EscapeDataString(run))}$"));
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        Assert.Equal(other, await rows.Nth(0).GetAttributeAsync("data-job"));
        Assert.Equal(first, await rows.Nth(1).GetAttributeAsync("data-job"));
        await Assertions.Expect(Page.GetByLabel("Label", new() { Exact = true })).ToHaveValueAsync(run);
    }
}
