using Microsoft.AspNetCore.Builder;
using OrleansJobs.Silo;

namespace OrleansJobs.Tests.Infrastructure;

/// <summary>The HTTP test classes share one host: starting a silo takes seconds.</summary>
[CollectionDefinition]
public sealed class SiloHostCollection : ICollectionFixture<SiloHostFixture>;
