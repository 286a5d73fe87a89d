using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansJobs.Jobs;
using OrleansJobs.Retention;

namespace OrleansJobs.Tests.Grains.Retention;

[Trait("Kind", "Unit")]
public sealed class RetentionOptionsTests
{
    [Fact]
    public void Defaults_keep_succeeded_jobs_a_week_and_failed_or_cancelled_ones_thirty_days()
    {
        var options = new RetentionOptions();

        Assert.Equal(TimeSpan.FromDays(7), options.AgeOf(JobStatus.Succeeded));
        Assert.Equal(TimeSpan.FromDays(30), options.AgeOf(JobStatus.Failed));
        Assert.Equal(TimeSpan.FromDays(30), options.AgeOf(JobStatus.Cancelled));
    }

    [Theory]
    [InlineData("2s", 2)]
    [InlineData("PT12H", 12 * 3600)]
    [InlineData("1.00:00:00", 86400)]
    [InlineData(" 90m ", 5400)]
    public void Ages_are_durations_in_any_form_the_api_reads(string text, int seconds)
    {
        Assert.True(RetentionAge.TryParse(text, out var age));
        Assert.Equal(TimeSpan.FromSeconds(seconds), age);
    }

    [Theory]
    [InlineData("infinite")]
    [InlineData("Infinite")]
    public void Infinite_keeps_a_status_for_ever(string text)
    {
        Assert.True(RetentionAge.TryParse(text, out var age));
        Assert.Null(age);
        Assert.Null(new RetentionOptions { Failed = text }.AgeOf(JobStatus.Failed));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0s")]
    [InlineData("-1d")]
    [InlineData("forever")]
    [InlineData("P1M")]
    public void Anything_else_is_not_an_age(string text)
    {
        Assert.False(RetentionAge.TryParse(text, out _));
        Assert.Throws<FormatException>(() => RetentionAge.Parse(text));
    }

    [Fact]
    public void Only_finished_statuses_have_an_age()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetentionOptions().AgeOf(JobStatus.Running));
    }

    [Fact]
    public void A_bad_age_in_configuration_fails_validation_naming_the_key_and_the_value()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OrleansJobs:Retention:Succeeded"] = "2s",
            ["OrleansJobs:Retention:Cancelled"] = "a month",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section);
        services.AddSingleton<IValidateOptions<RetentionOptions>, RetentionOptionsValidator>();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RetentionOptions>>().Value);
        Assert.Contains("OrleansJobs:Retention:Cancelled is 'a month'", error.Message);
        Assert.DoesNotContain("Succeeded", error.Message);
    }
}
