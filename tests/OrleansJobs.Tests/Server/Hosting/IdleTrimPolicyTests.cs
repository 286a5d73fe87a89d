using OrleansJobs.Server.Hosting;

namespace OrleansJobs.Tests.Server.Hosting;

[Trait("Kind", "Unit")]
public sealed class IdleTrimPolicyTests
{
    private const long Quiet = IdleTrimPolicy.IdleAllocationBytes / 4;
    private const long Busy = IdleTrimPolicy.IdleAllocationBytes + 1;
    private const long Trimmed = 200L << 20;

    [Fact]
    public void After_the_start_up_trim_an_idle_silo_is_left_alone_until_it_regrows()
    {
        var policy = new IdleTrimPolicy(Trimmed);

        for (var i = 0; i < 10; i++) Assert.Null(policy.Check(Quiet, Trimmed + IdleTrimPolicy.RegrowthBytes));
        Assert.Equal("regrown while idle", policy.Check(Quiet, Trimmed + IdleTrimPolicy.RegrowthBytes + 1));
    }

    [Fact]
    public void A_busy_period_is_followed_by_one_trim_after_enough_quiet_checks()
    {
        var policy = new IdleTrimPolicy(Trimmed);

        Assert.Null(policy.Check(Busy, Trimmed * 2));
        for (var i = 1; i < IdleTrimPolicy.QuietChecks; i++) Assert.Null(policy.Check(Quiet, Trimmed * 2));
        Assert.Equal("idle", policy.Check(Quiet, Trimmed * 2));

        policy.Trimmed(Trimmed);
        for (var i = 0; i < 10; i++) Assert.Null(policy.Check(Quiet, Trimmed));
    }

    [Fact]
    public void Busy_checks_restart_the_count_of_quiet_ones()
    {
        var policy = new IdleTrimPolicy(Trimmed);

        Assert.Null(policy.Check(Busy, Trimmed));
        for (var i = 1; i < IdleTrimPolicy.QuietChecks; i++) Assert.Null(policy.Check(Quiet, Trimmed));
        Assert.Null(policy.Check(Busy, Trimmed));
        for (var i = 1; i < IdleTrimPolicy.QuietChecks; i++) Assert.Null(policy.Check(Quiet, Trimmed));
        Assert.Equal("idle", policy.Check(Quiet, Trimmed));
    }
}
