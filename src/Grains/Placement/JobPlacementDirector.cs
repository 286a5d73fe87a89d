using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace OrleansJobs.Placement;

/// <summary>
/// Places job grains and job type grains (<see cref="JobPlacement"/>) on a live silo that serves the job's type, known
/// from the grain's key (a job type grain) or from the caller's <see cref="JobTypeHint"/> (a job grain). Without a known
/// type, or when no compatible silo serves it, any compatible silo will do: a job grain that finds itself on a silo
/// without its handler moves on its own, or waits (see <c>JobGrain</c>). With
/// <see cref="JobServiceOptions.PlaceNewJobsLocally"/>, a job's grain placed by its submit prefers the submit's silo.
/// </summary>
public sealed class JobPlacementDirector(JobTypeCatalog catalog, IOptions<JobServiceOptions> options) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var compatible = context.GetCompatibleSilos(target);
        var type = JobTypeHint.TypeOf(target);
        var serving = type is null ? null : catalog.SilosServing(type).Select(s => s.Address).ToList();
        var preferred = Preferred(target, type, options.Value.PlaceNewJobsLocally, context.LocalSilo);
        return Task.FromResult(Choose(compatible, serving, preferred, Random.Shared.Next));
    }

    /// <summary>
    /// The silo to prefer for <paramref name="target"/>: a caller's explicit placement hint (such as a migration's target),
    /// else, when <paramref name="placeNewJobsLocally"/>, <paramref name="localSilo"/> for a job grain its submit places
    /// (the call carries the job's type hint); null for none.
    /// </summary>
    public static SiloAddress? Preferred(PlacementTarget target, bool placeNewJobsLocally, SiloAddress localSilo) =>
        Preferred(target, JobTypeHint.TypeOf(target), placeNewJobsLocally, localSilo);

    /// <summary>As <see cref="Preferred(PlacementTarget, bool, SiloAddress)"/>, with the target's job type already read (<see cref="JobTypeHint.TypeOf(PlacementTarget)"/>).</summary>
    private static SiloAddress? Preferred(PlacementTarget target, string? jobType, bool placeNewJobsLocally, SiloAddress localSilo)
    {
        if (target.RequestContextData?.GetValueOrDefault(IPlacementDirector.PlacementHintKey) is SiloAddress hint) return hint;
        return placeNewJobsLocally && jobType is not null && target.GrainIdentity.Type.Equals(JobTypeHint.JobGrain) ? localSilo : null;
    }

    /// <summary>
    /// The choice, pure: the silos that are both <paramref name="compatible"/> and <paramref name="serving"/> (all the
    /// compatible ones when <paramref name="serving"/> is null, or when none of them serves); among those the
    /// <paramref name="hint"/> (the <see cref="Preferred(PlacementTarget, bool, SiloAddress)"/> silo) when it is one of
    /// them, else one picked by <paramref name="random"/> (given the count, it returns an index).
    /// </summary>
    public static SiloAddress Choose(SiloAddress[] compatible, IReadOnlyCollection<SiloAddress>? serving, SiloAddress? hint, Func<int, int> random)
    {
        if (compatible.Length == 0) throw new SiloUnavailableException("No compatible silo is active to place the grain on.");
        var candidates = serving is null ? compatible : compatible.Where(serving.Contains).ToArray();
        if (candidates.Length == 0) candidates = compatible;
        if (hint is not null && candidates.Contains(hint)) return hint;
        return candidates[random(candidates.Length)];
    }
}
