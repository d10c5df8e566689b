using Microsoft.Extensions.Options;

namespace Chat.Api.Media;

/// <summary>
/// Bounds the CPU and memory one replica spends on images: at most
/// <see cref="MediaOptions.MaxConcurrentImageWork"/> at once; an upload that cannot get a turn
/// within <see cref="MediaOptions.ImageWorkWait"/> is turned away (503) rather than queued without end.
/// </summary>
public sealed class ImageWorkGate(IOptions<MediaOptions> options)
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrentImageWork, options.Value.MaxConcurrentImageWork);

    public TimeSpan Wait => options.Value.ImageWorkWait;

    /// <summary>A turn (dispose it to give it back), or null when none came free in time.</summary>
    public async Task<IDisposable?> EnterAsync(CancellationToken cancellationToken) =>
        await _slots.WaitAsync(Wait, cancellationToken) ? new Turn(_slots) : null;

    private sealed class Turn(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release();
        }
    }
}
