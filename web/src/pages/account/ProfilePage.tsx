// My profile, my preferences and where I am signed in.
import { api } from '../../api/client.ts';
import { must } from '../../api/problems.ts';
import { PreferencesForm } from '../../components/account/PreferencesForm.tsx';
import { ProfileForm } from '../../components/account/ProfileForm.tsx';
import { SessionList } from '../../components/account/SessionList.tsx';
import { useLoaded } from '../../components/common/use-loaded.ts';
import { Loading } from '../../components/common/Loading.tsx';
import { ProblemMessage } from '../../components/common/ProblemMessage.tsx';

export function ProfilePage() {
  const prefs = useLoaded(() => must(api.users.GET('/users/me/preferences')), []);
  return (
    <section className="account-page profile-page">
      <h1>Profile and sessions</h1>
      <ProfileForm />
      {prefs.problem ? (
        <ProblemMessage problem={prefs.problem} />
      ) : prefs.data ? (
        <PreferencesForm initial={prefs.data} />
      ) : (
        <Loading what="your preferences" />
      )}
      <SessionList />
    </section>
  );
}
