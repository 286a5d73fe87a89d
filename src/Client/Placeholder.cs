namespace OrleansJobs.Client; /// <summary>x</summary>
public static class Placeholder { }
