using System.Globalization;

namespace OrleansJobs.Bench.Compare;

public enum Better { Higher, Lower }
