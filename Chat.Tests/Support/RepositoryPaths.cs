namespace Chat.Tests.Support;

/// <summary>Finds files of the repository from the test binaries (bin/Debug/net10.0 under Chat.Tests).</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string MongoStandIn => Path.GetFullPath(
        Path.Combine(Root, "Chat.AppHost", MongoHostingExtensions.StandInRelativePath));

    /// <summary>A project's built assembly, from the same configuration (Debug, Release) as these tests.</summary>
    public static string BuiltAssembly(string project)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        return Path.Combine(Root, project, "bin", configuration, "net10.0", $"{project}.dll");
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Chat.sln"))) return directory.FullName;
        }
        throw new InvalidOperationException($"No Chat.sln above {AppContext.BaseDirectory}.");
    }
}
