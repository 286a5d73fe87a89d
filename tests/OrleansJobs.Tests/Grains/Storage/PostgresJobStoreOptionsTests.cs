using Npgsql;
using OrleansJobs.Storage;

namespace OrleansJobs.Tests.Grains.Storage;

[Trait("Kind", "Unit")]
public sealed class PostgresJobStoreOptionsTests
{
    [Fact]
    public void Tuning_fills_in_the_job_service_defaults_where_the_caller_chose_nothing()
    {
        var tuned = new NpgsqlConnectionStringBuilder(PostgresJobStoreOptions.Tune("Host=db;Username=jobs;Password=secret;Database=jobs"));

        Assert.True(tuned.NoResetOnClose);
        Assert.Equal(5, tuned.Timeout);
        Assert.Equal(15, tuned.CommandTimeout);
        Assert.Equal("OrleansJobs", tuned.ApplicationName);
        Assert.Equal(32, tuned.MaxAutoPrepare);
        Assert.Equal("-c plan_cache_mode=force_custom_plan", tuned.Options);
        Assert.Equal(("db", "jobs", "secret"), (tuned.Host, tuned.Username, tuned.Password));
    }

    [Fact]
    public void Tuning_keeps_every_choice_the_caller_made()
    {
        var tuned = new NpgsqlConnectionStringBuilder(PostgresJobStoreOptions.Tune(
            "Host=db;No Reset On Close=false;Timeout=30;Command Timeout=60;Application Name=mine;Max Auto Prepare=0"));

        Assert.False(tuned.NoResetOnClose);
        Assert.Equal(30, tuned.Timeout);
        Assert.Equal(60, tuned.CommandTimeout);
        Assert.Equal("mine", tuned.ApplicationName);
        Assert.Equal(0, tuned.MaxAutoPrepare);
    }

    [Fact]
    public void Startup_options_of_the_callers_own_replace_the_custom_plans_setting()
    {
        Assert.Equal("-c search_path=jobs", new NpgsqlConnectionStringBuilder(PostgresJobStoreOptions.Tune("Host=db;Options=-c search_path=jobs")).Options);
        Assert.True(string.IsNullOrEmpty(new NpgsqlConnectionStringBuilder(PostgresJobStoreOptions.Tune("Host=db;Options=")).Options));
    }
}
