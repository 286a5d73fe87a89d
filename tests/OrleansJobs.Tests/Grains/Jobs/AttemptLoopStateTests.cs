using OrleansJobs.Jobs;
using Xunit;

namespace OrleansJobs.Tests.Grains.Jobs;

[Trait("Kind", "Unit")]
public sealed class AttemptLoopStateTests
{
    [Fact]
    public void The_first_request_starts_the_loop_and_later_ones_ask_for_another_pass()
    {
        var state = new AttemptLoopState();
        Assert.True(state.Request());
        Assert.Equal(AttemptLoopPhase.Running, state.Phase);
        Assert.False(state.Request());
        Assert.False(state.Request());
        Assert.Equal(AttemptLoopPhase.RunAgain, state.Phase);
    }

    [Fact]
    public void A_pass_serves_the_requests_made_before_it_began()
    {
        var state = new AttemptLoopState();
        state.Request();
        state.Request();
        state.PassBegins();
        Assert.False(state.PassEnded(runnable: true));
        Assert.Equal(AttemptLoopPhase.Idle, state.Phase);
        Assert.True(state.Request()); // idle again: the next request starts a new loop
    }

    [Fact]
    public void A_request_during_a_pass_runs_another_only_while_the_job_is_runnable()
    {
        var state = new AttemptLoopState();
        state.Request();
        state.PassBegins();
        state.Request();
        Assert.True(state.PassEnded(runnable: true));

        state.PassBegins();
        state.Request();
        Assert.False(state.PassEnded(runnable: false));
        Assert.Equal(AttemptLoopPhase.Idle, state.Phase);
        Assert.False(state.WakeFresh);
    }

    [Fact]
    public void A_closing_activation_starts_nothing_and_leaves_requests_to_a_fresh_one()
    {
        var state = new AttemptLoopState();
        state.Close();
        Assert.False(state.Request());
        Assert.Equal(AttemptLoopPhase.Idle, state.Phase);
        Assert.True(state.WakeFresh);
        Assert.False(state.EverStarted);
    }

    [Fact]
    public void A_pass_asked_for_while_closing_is_not_run_here_but_woken_elsewhere()
    {
        var state = new AttemptLoopState();
        state.Request();
        state.PassBegins();
        state.Request();
        state.Close();
        Assert.False(state.PassEnded(runnable: true));
        Assert.True(state.WakeFresh);
        Assert.Equal(AttemptLoopPhase.Idle, state.Phase);
    }

    [Fact]
    public void An_attempt_given_up_while_closing_is_woken_elsewhere()
    {
        var state = new AttemptLoopState();
        state.Request();
        state.PassBegins();
        Assert.False(state.WakeFresh);
        state.GaveUp();
        Assert.True(state.WakeFresh);
    }

    [Fact]
    public void An_attempt_begun_with_the_jobs_creation_counts_as_a_started_loop()
    {
        var state = new AttemptLoopState();
        state.StartBegun();
        Assert.True(state.EverStarted);
        Assert.False(state.Request());
        Assert.Equal(AttemptLoopPhase.RunAgain, state.Phase);
    }

    [Fact]
    public void An_abandoned_loop_is_idle()
    {
        var state = new AttemptLoopState();
        state.Request();
        state.Request();
        state.Abandoned();
        Assert.Equal(AttemptLoopPhase.Idle, state.Phase);
    }
}
