namespace Chat.Api.Contracts;

// Accounts in docs/api.md. Responses are built from documents field by field, so nothing
// stored (the password hash, the session stamp) can leak into a response.

public sealed record SignUpRequest(string? Email, string? Password, string? FullName);

public sealed record LogInRequest(string? Email, string? Password);

public sealed record UpdateProfileRequest(string? FullName);

public sealed record UserResponse(string Id, string Email, string FullName, string? AvatarUrl, DateTime CreatedAt);

/// <summary>Another user as the viewer sees them; <c>Blocked</c>: the viewer blocked them (presence is hidden both ways).</summary>
public sealed record ContactResponse(string Id, string FullName, string? AvatarUrl, bool Online, DateTime? LastSeenAt, bool Blocked = false);

public sealed record ContactPage(IReadOnlyList<ContactResponse> Items, string? Next);

/// <summary>A signed-in device (API 1.3): <c>Place</c> is the network it signed in from, <c>Current</c> the one asking.</summary>
public sealed record SessionResponse(string Id, string Device, DateTime CreatedAt, DateTime LastActiveAt, string? Place, bool Current);

public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword);

/// <summary>DELETE /api/account: the password again; <c>KeepMessages</c> leaves my messages readable to the people I wrote to (default: erased).</summary>
public sealed record DeleteAccountRequest(string? Password, bool? KeepMessages);
