namespace Chat.Api.Accounts;

/// <summary>
/// The most common leaked passwords (a short list shipped with the project, common-passwords.txt):
/// long enough to pass the length rule and guessed first by anyone who tries.
/// </summary>
public static class CommonPasswords
{
    private static readonly HashSet<string> List = Load();

    public static bool Contains(string password) => List.Contains(password.Trim());

    private static HashSet<string> Load()
    {
        using var stream = typeof(CommonPasswords).Assembly.GetManifestResourceStream("Chat.Api.Accounts.common-passwords.txt")
            ?? throw new InvalidOperationException("common-passwords.txt is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
    }
}
