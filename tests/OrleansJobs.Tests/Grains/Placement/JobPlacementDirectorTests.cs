using System.Net;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
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
    public void A_submit_prefers_its_own_silo_only_when_new_jobs_are_placed_locally_and_an_explicit_hint_still_wins()
    {
        var job = GrainId.Create(JobTypeHint.JobGrain, "job_1");
        PlacementTarget Target(GrainId grain, string? typeHint, SiloAddress? hint = null)
        {
            var context = new Dictionary<string, object>();
            if (typeHint is not null) context[JobTypeHint.Key] = typeHint;
            if (hint is not null) context[IPlacementDirector.PlacementHintKey] = hint;
            return new PlacementTarget(grain, context, default, 0);
        }

        // The submit's call carries the job's type hint: its own silo, when so configured.
        Assert.Equal(A, JobPlacementDirector.Preferred(Target(job, "job_1 greet"), placeNewJobsLocally: true, localSilo: A));
        Assert.Null(JobPlacementDirector.Preferred(Target(job, "job_1 greet"), placeNewJobsLocally: false, localSilo: A));
        // Not a submit (no hint for this job: a later activation, a batch member) or not a job grain: no preference.
        Assert.Null(JobPlacementDirector.Preferred(Target(job, typeHint: null), placeNewJobsLocally: true, localSilo: A));
        Assert.Null(JobPlacementDirector.Preferred(Target(job, "job_2 greet"), placeNewJobsLocally: true, localSilo: A));
        Assert.Null(JobPlacementDirector.Preferred(Target(GrainId.Create(JobTypeHint.JobTypeGrain, "greet"), typeHint: null), placeNewJobsLocally: true, localSilo: A));
        // A caller's explicit hint (a migration's target) wins either way.
        Assert.Equal(C, JobPlacementDirector.Preferred(Target(job, "job_1 greet", hint: C), placeNewJobsLocally: true, localSilo: A));
        Assert.Equal(C, JobPlacementDirector.Preferred(Target(job, typeHint: null, hint: C), placeNewJobsLocally: false, localSilo: A));
        // The preferred silo is chosen only among those that serve the type.
        Assert.Equal(B, JobPlacementDirector.Choose([A, B, C], [B, C], JobPlacementDirector.Preferred(Target(job, "job_1 greet"), true, A), Pick(0)));
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
