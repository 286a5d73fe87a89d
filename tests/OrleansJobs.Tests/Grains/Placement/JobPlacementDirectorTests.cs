using System.Net;
using Orleans.Runtime;
using OrleansJobs.Placement;

namespace OrleansJobs.Tests.Grains.Placement;

/// <summary>The director's choice among silos, and how it learns a grain's job type, without a cluster.</summary>
[Trait("Kind", "Unit")]
public sealed class JobPlacementDirectorTests
{
    private static readonly SiloAddress A = Silo(1001), B = Silo(1002), C = Silo(1003);

    private static SiloAddress Silo(int port) => SiloAddress.New(IPAddress.Loopback, port, 1);

    private static Func<int, int> Pick(int index) => count => Math.Min(index, count - 1);

    [Fact]
    public void Only_silos_that_serve_the_type_are_chosen()
    {
        for (var i = 0; i < 3; i++)
            Assert.Equal(i == 0 ? B : C, JobPlacementDirector.Choose([A, B, C], [B, C], hint: null, Pick(i)));
    }

    [Fact]
    public void A_serving_silo_that_is_not_compatible_is_not_chosen()
    {
        Assert.Equal(B, JobPlacementDirector.Choose([A, B], [B, C], hint: null, Pick(1)));
    }

    [Fact]
    public void Without_a_type_any_compatible_silo_may_be_chosen()
    {
        Assert.Equal([A, B, C], Enumerable.Range(0, 3).Select(i => JobPlacementDirector.Choose([A, B, C], serving: null, hint: null, Pick(i))));
    }

    [Fact]
    public void When_no_compatible_silo_serves_the_type_any_compatible_one_is_chosen_and_the_job_waits_there()
    {
        Assert.Equal(B, JobPlacementDirector.Choose([A, B], [C], hint: null, Pick(1)));
        Assert.Equal(A, JobPlacementDirector.Choose([A, B], [], hint: null, Pick(0)));
    }

    [Fact]
    public void An_explicit_hint_wins_only_when_it_serves_the_type()
    {
        Assert.Equal(C, JobPlacementDirector.Choose([A, B, C], [B, C], hint: C, Pick(0)));
        Assert.Equal(B, JobPlacementDirector.Choose([A, B, C], [B, C], hint: A, Pick(0)));
        Assert.Equal(A, JobPlacementDirector.Choose([A, B, C], serving: null, hint: A, Pick(2)));
    }

    [Fact]
    public void No_compatible_silo_is_an_error_not_a_guess()
    {
        Assert.Throws<SiloUnavailableException>(() => JobPlacementDirector.Choose([], [A], hint: null, Pick(0)));
    }

    [Fact]
    public void A_job_grain_takes_its_type_from_a_hint_naming_it_and_a_job_type_grain_from_its_key()
    {
        var job = GrainId.Create(JobTypeHint.JobGrain, "job_1");
        Assert.Equal("greet", JobTypeHint.TypeOf(job, "job_1 greet"));
        // A hint for another job (the request context flows on into the calls a job makes) says nothing of this one.
        Assert.Null(JobTypeHint.TypeOf(job, "job_2 greet"));
        Assert.Null(JobTypeHint.TypeOf(job, "job_1"));
        Assert.Null(JobTypeHint.TypeOf(job, null));
        Assert.Equal("shout", JobTypeHint.TypeOf(GrainId.Create(JobTypeHint.JobTypeGrain, "shout"), hint: null));
        Assert.Null(JobTypeHint.TypeOf(GrainId.Create("queue", "job_1"), "job_1 greet"));
    }
}
