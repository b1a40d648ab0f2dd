// `/hashtags`: the tag list lives on the search page.
import type { GetServerSideProps } from 'next';

export const getServerSideProps: GetServerSideProps = async () => ({
  redirect: { destination: '/search?tab=hashtags', permanent: false },
});

export default function Hashtags() {
  return null;
}
