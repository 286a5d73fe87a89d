using Orleans.Metadata;
using Orleans.Runtime;
using OrleansJobs.Workers;

namespace OrleansJobs.Placement;

/// <summary>
/// Which live silo serves which job type. Each silo publishes the types it has handlers for in its grain manifest, as a
/// property of the job grain (<see cref="JobTypesGrainProperty"/>); Orleans shares the manifests across the cluster, and
/// this reads them together with the membership, keeping active silos only. A type declared external at run time
/// (<see cref="ExternalJobTypes.Declared"/>) is served by every active silo: any of them can offer its jobs to workers.
/// Rebuilt when any of these changes.
/// </summary>
public sealed class JobTypeCatalog(IClusterManifestProvider manifests, IClusterMembershipService membership, ExternalJobTypes external)
{
    /// <summary>The job grain property that lists a silo's job types, comma-separated.</summary>
    public const string PropertyKey = "orleansjobs.job-types";

    private Snapshot? _last;

    /// <summary>The live silos that serve <paramref name="type"/>, by address; empty when none does.</summary>
    public IReadOnlyList<ServingSilo> SilosServing(string type) => Current().GetValueOrDefault(type) ?? [];

    /// <summary>Every type some live silo serves, in ordinal order, each with its silos.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<ServingSilo>> All() => Current();

    private SortedDictionary<string, IReadOnlyList<ServingSilo>> Current()
    {
        var (manifest, members, declared) = (manifests.Current, membership.CurrentSnapshot, external.Declared);
        if (_last is { } last && ReferenceEquals(last.Manifest, manifest) && ReferenceEquals(last.Members, members) && ReferenceEquals(last.Declared, declared))
            return last.Types;
        var types = Build(manifest, members, declared);
        _last = new Snapshot(manifest, members, declared, types);
        return types;
    }

    private static SortedDictionary<string, IReadOnlyList<ServingSilo>> Build(
        ClusterManifest manifest, ClusterMembershipSnapshot members, IReadOnlyCollection<string> declared)
    {
        var served = new Dictionary<string, List<ServingSilo>>(StringComparer.Ordinal);
        foreach (var (address, silo) in manifest.Silos)
        {
            if (!members.Members.TryGetValue(address, out var member) || member.Status != SiloStatus.Active) continue;
            if (!silo.Grains.TryGetValue(JobTypeHint.JobGrain, out var grain) || !grain.Properties.TryGetValue(PropertyKey, out var list)) continue;
            foreach (var type in list.Split(',', StringSplitOptions.RemoveEmptyEntries).Union(declared, StringComparer.Ordinal))
            {
                if (!served.TryGetValue(type, out var silos)) served[type] = silos = [];
                silos.Add(new ServingSilo(address, member.Name));
            }
        }
        var result = new SortedDictionary<string, IReadOnlyList<ServingSilo>>(StringComparer.Ordinal);
        foreach (var (type, silos) in served) result[type] = [.. silos.OrderBy(s => s.Id, StringComparer.Ordinal)];
        return result;
    }

    private sealed record Snapshot(
        ClusterManifest Manifest, ClusterMembershipSnapshot Members, IReadOnlyCollection<string> Declared, SortedDictionary<string, IReadOnlyList<ServingSilo>> Types);
}
