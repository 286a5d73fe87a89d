using Orleans.Metadata;
using Orleans.Runtime;
using OrleansJobs.Handlers;
using OrleansJobs.Workers;

namespace OrleansJobs.Placement;

/// <summary>
/// Publishes the job types this silo serves in its grain manifest, on the job grain
/// (<see cref="JobTypeCatalog.PropertyKey"/>): those it has handlers for, and those it leases to external workers. Both
/// sets are fixed once the host is built, and Orleans hands each silo's manifest to the others, which
/// <see cref="JobTypeCatalog"/> reads. Types declared external at run time are not in it: every silo serves those.
/// </summary>
internal sealed class JobTypesGrainProperty(JobHandlerRegistry registry, ExternalJobTypes external) : IGrainPropertiesProvider
{
    public void Populate(Type grainClass, GrainType grainType, Dictionary<string, string> properties)
    {
        if (grainType.Equals(JobTypeHint.JobGrain)) properties[JobTypeCatalog.PropertyKey] = string.Join(',', registry.Types.Concat(external.Configured));
    }
}
