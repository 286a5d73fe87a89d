using Orleans.Metadata;
using Orleans.Runtime;
using OrleansJobs.Handlers;

namespace OrleansJobs.Placement;

/// <summary>
/// Publishes the job types this silo has handlers for in its grain manifest, on the job grain
/// (<see cref="JobTypeCatalog.PropertyKey"/>): the handler set is fixed once the host is built, and Orleans hands each
/// silo's manifest to the others, which <see cref="JobTypeCatalog"/> reads.
/// </summary>
internal sealed class JobTypesGrainProperty(JobHandlerRegistry registry) : IGrainPropertiesProvider
{
    public void Populate(Type grainClass, GrainType grainType, Dictionary<string, string> properties)
    {
        if (grainType.Equals(JobTypeHint.JobGrain)) properties[JobTypeCatalog.PropertyKey] = string.Join(',', registry.Types);
    }
}
